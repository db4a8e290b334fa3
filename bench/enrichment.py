"""Enrichment measured: sentiment and topic accuracy against human labels, and throughput.

    uv run python bench/enrichment.py [--data ../shared/data] [--scale small] [--keep]
    uv run python bench/enrichment.py --throughput [--repeat 3]   # (e) alone: the texts/s figure

Prints, in one run:

(a) 3-class sentiment accuracy on Kaggle's "Twitter US Airline Sentiment" (each tweet id
    once, the most confident copy): VADER on the raw text and on the cleaned text, with
    the confusion of the cleaned one and the accuracy at wider thresholds;
(b) VADER's own ground truth (tweets_GroundTruth.txt): Pearson r of the compound score
    with the mean human rating, and 3-class accuracy against its sign (|mean| < 0.5 is
    neutral);
(c) topic accuracy against negativereason on the negative airline tweets (ten classes,
    "Can't Tell" expected as other), on both halves of a split by md5(tweet_id) (the
    airline keywords were written looking at the first half only), per reason, and the
    complaint types those tweets get;
(d) throughput of ``enrich()``: on a generated demo warehouse (``--scale``), first run and
    a run with nothing new, and on the real airline and twcs tweets (every text distinct);
    each in a child process, as the build runs it;
(e) scoring distinct texts in one process against one worker process per core
    (``groundswell.enrichment.scoring``), as enrich() does from POOL_MIN_TEXTS distinct texts;
    the last line is the requirement's figure, "sentiment texts per second on 2 cores".
    Each figure is the median of ``--repeat`` runs, printed with the load average before them
    (other work on the machine lowers the figures: measure on an idle one).

The definitions are ``groundswell.enrichment.evaluation``; the figures go to docs/metrics.md.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(mode: str, home: Path, data: Path, scale: str) -> None:
    """Inside a child process: prepare a warehouse, time enrich() on it, print JSON."""
    from groundswell.config import Settings
    from groundswell.enrichment import enrich

    settings = Settings(home=home)
    out: dict = {}
    if mode == "demo":
        from groundswell.demo import generate
        from groundswell.landing import land_everything

        generate(settings.landing_dir, scale=scale)
        t = time.perf_counter()
        land_everything(settings)
        out["land_seconds"] = round(time.perf_counter() - t, 1)
    else:
        from groundswell.landing import land_files

        land_files("airline-sentiment", [data / "airline_sentiment" / "Tweets.csv"], settings)
        land_files("twcs", [data / "twcs" / "twcs_head5000.csv"], settings)
        land_files("twcs", [data / "twcs" / "twcs_random5000.csv"], settings)
    for run in ("first", "again"):
        result = enrich(settings)
        out[run] = {"candidates": result.candidates, "scored": result.scored, "reused": result.reused,
                    "unchanged": result.unchanged, "seconds": result.seconds}
    print(json.dumps(out))


def run_child(mode: str, home: Path, data: Path, scale: str) -> dict:
    env = dict(os.environ, GROUNDSWELL_HOME=str(home))
    command = [sys.executable, __file__, "--child", mode, "--home", str(home), "--data", str(data),
               "--scale", scale]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"child {mode} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def half(tweet_id: str) -> int:
    return int(hashlib.md5(tweet_id.encode()).hexdigest(), 16) % 2


def score_with(rows: list[tuple[int, str, str]], workers: int) -> float:
    """Seconds to score ``rows`` as enrich() does: chunks of CHUNK_ROWS, ``workers`` processes,
    the scores inserted into a DuckDB table."""
    import duckdb

    from groundswell.enrichment.incremental import CHUNK_ROWS
    from groundswell.enrichment.rules import load_rules
    from groundswell.enrichment.scoring import Scorer

    rules = load_rules(ROOT / "dbt" / "seeds")
    con = duckdb.connect()
    con.execute("CREATE TABLE scores (n BIGINT, sentiment_score DOUBLE, sentiment_label VARCHAR, "
                "complaint_type VARCHAR, complaint_topic VARCHAR)")
    t = time.perf_counter()
    with Scorer(rules, workers) as scorer:  # start-up of the workers included
        for low in range(0, len(rows), CHUNK_ROWS):
            for scores in scorer.score(rows[low:low + CHUNK_ROWS]):
                scores.insert_into(con, "scores")
    seconds = time.perf_counter() - t
    assert con.execute("SELECT count(DISTINCT n) FROM scores").fetchone()[0] == len(rows)
    return seconds


def throughput(data: Path, repeat: int) -> None:
    """(e): distinct real texts scored in one process and in one worker per core, texts/s."""
    import statistics

    from groundswell.enrichment.evaluation import read_airline_tweets, read_vader_groundtruth
    from groundswell.enrichment.text import preclean

    tweets = read_airline_tweets(data / "airline_sentiment" / "Tweets.csv")
    rated = read_vader_groundtruth(data / "vader_groundtruth" / "tweets_GroundTruth.txt")
    texts = [t.text for t in tweets] + [r.text for r in rated]
    # Four copies, each made distinct by a suffix: 74,740 distinct texts, none scored before.
    rows = [(i, preclean(text) + f" {i // len(texts)}", "") for i, text in enumerate(texts * 4)]
    cores = os.cpu_count() or 1
    print(f"\n(e) scoring {len(rows):,} distinct texts as enrich() does (chunks of 50,000), "
          f"median of {repeat}:")

    def measure(workers: int) -> tuple[float, float]:
        load = os.getloadavg()[0]
        return statistics.median(score_with(rows, workers) for _ in range(repeat)), load

    single, load = measure(1)
    print(f"    one process: {single:.2f} s = {len(rows) / single:,.0f} texts/s (load {load:.2f})")
    if cores > 1:
        pooled, load = measure(cores)
        print(f"    {cores} worker processes (start-up included): {pooled:.2f} s = "
              f"{len(rows) / pooled:,.0f} texts/s ({single / pooled:.2f}x; load {load:.2f})")
        print(f"sentiment texts per second on {cores} cores: {len(rows) / pooled:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the checkout)")
    parser.add_argument("--scale", default="small", choices=["tiny", "small", "default"])
    parser.add_argument("--home", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary warehouses")
    parser.add_argument("--throughput", action="store_true",
                        help="only (e): texts scored per second, one process and one worker per core")
    parser.add_argument("--repeat", type=int, default=3, help="runs per throughput figure (the median)")
    args = parser.parse_args()
    data = args.data.resolve()
    if args.child:
        child(args.child, args.home, data, args.scale)
        return
    if args.throughput:
        throughput(data, args.repeat)
        return

    from groundswell.enrichment import load_rules
    from groundswell.enrichment.evaluation import (
        HUMAN_NEUTRAL,
        accuracy,
        expected_topic,
        label_of,
        pearson,
        read_airline_tweets,
        read_vader_groundtruth,
        topic_accuracy,
    )
    from groundswell.enrichment.rules import complaint_type, vader_version
    from groundswell.enrichment.text import clean_text, sentiment_label, sentiment_score

    rules = load_rules(ROOT / "dbt" / "seeds")
    print(f"# bench/enrichment.py, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores, vaderSentiment {vader_version()}, rules {rules.version}")

    # (a) sentiment on the airline tweets
    tweets = read_airline_tweets(data / "airline_sentiment" / "Tweets.csv")
    raw = [label_of(t.text, clean=False) for t in tweets]
    scores = [sentiment_score(clean_text(t.text)) for t in tweets]
    cleaned = [sentiment_label(s) for s in scores]
    human = [t.sentiment for t in tweets]
    print(f"\n(a) airline sentiment, {len(tweets):,} tweets "
          f"({dict(collections.Counter(human).most_common())})")
    print(f"    accuracy, raw text:     {accuracy(zip(raw, human, strict=True)):.3f}")
    print(f"    accuracy, cleaned text: {accuracy(zip(cleaned, human, strict=True)):.3f}")
    confusion = collections.Counter(zip(human, cleaned, strict=True))
    for h in ("negative", "neutral", "positive"):
        print(f"      human {h:8}: " + ", ".join(f"{p} {confusion[(h, p)]:,}"
                                                  for p in ("negative", "neutral", "positive")))
    for threshold in (0.1, 0.2, 0.3):
        wider = [sentiment_label(s) if abs(s) >= threshold else "neutral" for s in scores]
        print(f"    cleaned, thresholds +-{threshold}: {accuracy(zip(wider, human, strict=True)):.3f}")

    # (b) VADER's ground truth
    rated = read_vader_groundtruth(data / "vader_groundtruth" / "tweets_GroundTruth.txt")
    print(f"\n(b) VADER ground truth, {len(rated):,} tweets (|human mean| < {HUMAN_NEUTRAL} is neutral)")
    for name, texts in (("raw", [r.text for r in rated]), ("cleaned", [clean_text(r.text) for r in rated])):
        s = [sentiment_score(t) for t in texts]
        print(f"    {name:8} text: Pearson r {pearson(s, [r.human for r in rated]):.3f}, 3-class accuracy "
              f"{accuracy((sentiment_label(x), r.human_label) for x, r in zip(s, rated, strict=True)):.3f}")

    # (c) topics against negativereason
    overall, n = topic_accuracy(tweets, rules)
    dev, n_dev = topic_accuracy(tweets, rules, keep=lambda t: half(t.tweet_id) == 0)
    test, n_test = topic_accuracy(tweets, rules, keep=lambda t: half(t.tweet_id) == 1)
    print(f"\n(c) topic against negativereason, {n:,} negative tweets, 10 classes: accuracy {overall:.3f}")
    print(f"    first half (keywords written on it) {dev:.3f} of {n_dev:,}; "
          f"second half {test:.3f} of {n_test:,}")
    negative = [(t, s) for t, s in zip(tweets, scores, strict=True) if t.sentiment == "negative"]
    per = collections.defaultdict(collections.Counter)
    types = collections.Counter()
    for t, s in negative:
        text = clean_text(t.text)
        per[expected_topic(t)][rules.topic(text, "airline")] += 1
        types[complaint_type(text, s, sentiment_label(s))] += 1
    print("    recall per reason (most frequent prediction when wrong):")
    for topic, got in sorted(per.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(got.values())
        wrong = next((p for p, _ in got.most_common() if p != topic), "-")
        print(f"      {topic:28} {total:5,}  {got[topic] / total:.2f}  ({wrong})")
    print("    complaint types of the negative tweets: "
          + ", ".join(f"{k} {v:,}" for k, v in types.most_common()))

    # (d) throughput of enrich()
    print("\n(d) enrich() throughput (each in a child process)")
    for mode, label in (("demo", f"demo warehouse, --scale {args.scale}"),
                        ("real", "real tweets: airline + twcs head + twcs random")):
        home = Path(tempfile.mkdtemp(prefix=f"groundswell-bench-enrich-{mode}-")) / "home"
        try:
            out = run_child(mode, home, data, args.scale)
        finally:
            if not args.keep:
                shutil.rmtree(home.parent, ignore_errors=True)
        first, again = out["first"], out["again"]
        print(f"    {label}:")
        print(f"      first run: {first['candidates']:,} texts ({first['scored']:,} distinct) in "
              f"{first['seconds']:.2f} s = {first['candidates'] / first['seconds']:,.0f} texts/s")
        print(f"      nothing new: {again['unchanged']:,} texts checked, {again['candidates']} scored, in "
              f"{again['seconds']:.2f} s = {again['unchanged'] / again['seconds']:,.0f} texts/s")

    # (e) one process against a worker per core, on distinct real texts
    throughput(data, args.repeat)


if __name__ == "__main__":
    main()
