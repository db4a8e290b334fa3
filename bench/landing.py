"""Landing throughput against DuckDB's native read, and peak memory as files grow.

    .venv/bin/python bench/landing.py [--days 30] [--keep DIR]

Writes the large scale's two high-volume drops for ``--days`` days (listening
mentions as JSON lines, web sessions as CSV; the demo generator's SQL engine),
then, each in its own child process so peak memory (ru_maxrss) is its own:

- native: ``CREATE TABLE AS SELECT * FROM read_json/read_csv(...)`` of the same
  files into a fresh DuckDB database (no contract, no checks, no lineage);
- land: ``groundswell.land.landing.land_files`` of the same files into the raw lake of a
  fresh home (contract, typing, checks, quarantine, audit, lineage, atomic commit).

The ratio land / native is the cost of the guarantees.  Three ways of landing:

- ``batch``: every day's file in one batch (a backfill), against one native
  statement over all the files;
- ``daily``: each day's file its own batch, in date order, one after another, against
  one native ``INSERT`` per file into one table;
- ``parallel``: the same daily batches landed by as many processes as the machine has
  cores, side by side (land tasks need no lock: a backfill's days run at once), against
  the native daily read.

The run is repeated on a quarter of the days, so peak memory can be compared
as files grow.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

CASES = {
    # source key -> (drop folder under landing, native reader)
    "listening-mentions": ("listening/mentions", "read_json('{glob}', format = 'newline_delimited')"),
    "web-sessions": ("web/sessions", "read_csv('{glob}', header = true)"),
}


def generate(landing: Path, days: int) -> dict:
    from groundswell.land.demo import volume
    from groundswell.land.demo.brands import BRANDS, COMPETITORS
    from groundswell.land.demo.generator import (
        BASE_DAILY_MENTIONS,
        CAMPAIGNS,
        DEFAULT_END_DATE,
        DEFAULT_SEED,
        SCALES,
    )

    scale = SCALES["large"]
    start = DEFAULT_END_DATE - timedelta(days=days - 1)
    listened = [volume.ListenedBrand(b.name, b.x_handle, b.industry, b.campaign_hashtag, d, True)
                for b, d in zip(BRANDS, BASE_DAILY_MENTIONS, strict=False)]
    listened += [volume.ListenedBrand(n, h, i, t, d, False)
                 for (n, h, i, t), d in zip(COMPETITORS, BASE_DAILY_MENTIONS[len(BRANDS):], strict=False)]
    t0 = time.perf_counter()
    episodes = volume.plan_episodes(DEFAULT_SEED, listened, start, days, scale.mentions_factor)
    mentions = volume.write_mentions(landing, DEFAULT_SEED, listened, start, days, scale.mentions_factor,
                                     scale.customers, episodes)
    t1 = time.perf_counter()
    sessions = volume.write_sessions(landing, DEFAULT_SEED, start, days, scale.sessions_per_day,
                                     scale.customers, CAMPAIGNS)
    t2 = time.perf_counter()
    return {"mentions": mentions, "mentions_seconds": round(t1 - t0, 1), "sessions": sessions,
            "sessions_seconds": round(t2 - t1, 1)}


def child(mode: str, source_key: str, folder: str, workdir: str) -> None:
    # Imports first: the clock measures reading and landing, not Python starting up.
    import duckdb

    os.environ["GROUNDSWELL_HOME"] = workdir
    from groundswell.config import get_settings
    from groundswell.land.landing import land_files

    days = sorted(p for p in Path(folder).glob("dt=*") if p.is_dir())
    pattern = "*.jsonl" if source_key == "listening-mentions" else "*.csv"
    start = time.perf_counter()
    if mode.startswith("native"):
        con = duckdb.connect(str(Path(workdir) / "native.duckdb"))
        globs = [str(Path(folder) / "**" / pattern)] if mode == "native-batch" else [
            str(d / pattern) for d in days]
        for i, glob in enumerate(globs):
            reader = CASES[source_key][1].format(glob=glob)
            con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}" if i == 0 else
                        f"INSERT INTO t SELECT * FROM {reader}")
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.close()
        extra = {"rows": rows}
    elif mode == "land-parallel":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(os.cpu_count()) as pool:
            results = list(pool.map(land_files, [source_key] * len(days), [[d] for d in days]))
        extra = {"rows": sum(r.received for r in results), "landed": sum(r.landed for r in results),
                 "quarantined": sum(r.quarantined for r in results)}
    else:
        batches = [Path(folder)] if mode == "land-batch" else days
        results = [land_files(source_key, [b], get_settings()) for b in batches]
        extra = {"rows": sum(r.received for r in results), "landed": sum(r.landed for r in results),
                 "quarantined": sum(r.quarantined for r in results)}
    seconds = time.perf_counter() - start
    # The largest process: this one, or a land worker of the parallel mode.
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF,
                                                              resource.RUSAGE_CHILDREN)) / 1024
    print(json.dumps({"mode": mode, "source": source_key, "seconds": round(seconds, 2),
                      "peak_rss_mb": round(peak_mb, 1), **extra}))


def measure(mode: str, source_key: str, folder: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="gs-bench-") as workdir:
        proc = subprocess.run([sys.executable, __file__, "--child", mode, source_key, str(folder), workdir],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            raise SystemExit(f"{mode} {source_key} failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(landing: Path, days: int) -> list[dict]:
    rows = []
    for source_key, (drop, _) in CASES.items():
        folder = landing / drop
        size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
        for how in ("batch", "daily", "parallel"):
            native = measure(f"native-{'batch' if how == 'batch' else 'daily'}", source_key, folder)
            land = measure(f"land-{how}", source_key, folder)
            assert land["rows"] == native["rows"], (land, native)
            rows.append({
                "source": source_key, "days": days, "landed as": how, "rows": land["rows"],
                "file_mb": round(size_mb), "native_s": native["seconds"], "land_s": land["seconds"],
                "native_rows_per_s": round(native["rows"] / native["seconds"]),
                "land_rows_per_s": round(land["rows"] / land["seconds"]),
                "ratio": round(land["seconds"] / native["seconds"], 2),
                "native_peak_mb": native["peak_rss_mb"], "land_peak_mb": land["peak_rss_mb"],
                "quarantined": land["quarantined"],
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30, help="days of the large scale to write (default 30)")
    parser.add_argument("--keep", type=Path, default=None, help="write (or reuse) the drops in this folder")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"# groundswell landing benchmark, {date.today()}, {platform.platform()}, "
          f"{os.cpu_count()} CPUs, python {platform.python_version()}")
    results = []
    for days in sorted({max(1, args.days // 4), args.days}):
        root = (args.keep / f"days-{days}") if args.keep else Path(tempfile.mkdtemp(prefix="gs-landing-"))
        try:
            if not (root / "listening").exists():
                made = generate(root, days)
                print(f"# generated {days} days: {json.dumps(made)}")
            results += bench(root, days)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    header = list(results[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in results:
        print("| " + " | ".join(f"{r[h]:,}" if isinstance(r[h], int) else str(r[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
