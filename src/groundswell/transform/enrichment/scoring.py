"""Scoring chunks of distinct texts, in this process or in worker processes.

VADER, the complaint rules and the topic keywords are pure Python and hold the GIL:
about 39,000 distinct real tweets a second in one process (``vader``, ``rules``).  A run
with many distinct texts (a first load of real data; the demo's texts repeat, so never
the demo) splits each chunk over one worker process per core, one equal part of each
chunk per worker: about 62,000 a second on two idle cores, start-up included
(``bench/enrichment.py --throughput``; docs/metrics.md has the figures and the profile).

What a worker costs is kept small, because it is paid on every such run:

- a worker is ``python -c WORKER_CODE`` (``serve`` below), started with ``subprocess``
  (fork and exec: safe although the parent holds DuckDB's threads, and possible from a
  daemonic process).  multiprocessing's workers re-import the parent's ``__main__`` (the
  CLI, Airflow's task runner, pytest), which costs more than scoring 10,000 texts;
- a worker imports only this module, ``rules``, ``text`` and ``vader`` (about 0.1 s);
  ``groundswell.transform.enrichment`` imports the rest lazily;
- scores travel as flat arrays (``Scores``: ``array`` columns, codes for the strings) and
  go into DuckDB as list parameters (``Scores.insert_into``), never as Arrow: importing
  pyarrow takes 0.2 s, and its first ``pa.array`` of Python objects imports pandas, 0.8 s
  more (in every worker, and here);
- the rules go to each worker as soon as it starts, so it loads VADER's lexicon while
  the parent reads the first chunk from DuckDB.

Where a worker cannot start or dies, the chunk is scored in this process instead; an
error that scoring raises in a worker is raised here, as it would be in-process.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from array import array
from dataclasses import dataclass
from typing import Any, BinaryIO

from groundswell.transform.enrichment.rules import COMPLAINT_TYPES, Rules, complaint_type
from groundswell.transform.enrichment.text import finish_cleaning, sentiment_label, sentiment_score

log = logging.getLogger(__name__)

#: Distinct texts from which a run scores in worker processes (below it, starting them costs more than
#: it saves; measured in docs/metrics.md).
POOL_MIN_TEXTS = 10_000

Row = tuple[int, str, str]  # (n, pre-cleaned text, industry hint or '')
#: industry -> (sentiment model, topic model), either None: what each industry's corrections taught
#: (``groundswell.transform.enrichment.learning``); an industry missing has none.
Models = dict[str, tuple[Any, Any]]
#: What a worker process runs (``python -c WORKER_CODE <the parent's sys.path>``).
WORKER_CODE = ("import sys; sys.path[:] = sys.argv[1:]; "
               "from groundswell.transform.enrichment.scoring import serve; serve()")
LABELS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Scores:
    """Scores of rows as flat columns: what a worker sends back (small and quick to pickle).

    Labels, complaint types and topics are codes into ``LABELS``, ``COMPLAINT_TYPES`` and
    ``topics`` (``Rules.topic_names``).
    """

    n: array  # 'q'
    sentiment_score: array  # 'd'
    sentiment_label: array  # 'i', into LABELS
    complaint_type: array  # 'i', into COMPLAINT_TYPES
    complaint_topic: array  # 'i', into topics
    topics: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.n)

    def insert_into(self, con: Any, table: str) -> None:
        """Append the scores to ``table`` (n, sentiment_score, sentiment_label, complaint_type,
        complaint_topic) of the DuckDB connection ``con``: 50,000 rows in about 30 ms."""
        if not len(self):
            return
        con.execute(f"""
            INSERT INTO {table}
            SELECT n, score, ($labels)[label + 1], ($types)[kind + 1], ($topics)[topic + 1]
            FROM (SELECT unnest($n) AS n, unnest($score) AS score, unnest($label) AS label,
                         unnest($kind) AS kind, unnest($topic) AS topic)
        """, {"n": self.n.tolist(), "score": self.sentiment_score.tolist(),
              "label": self.sentiment_label.tolist(), "kind": self.complaint_type.tolist(),
              "topic": self.complaint_topic.tolist(), "labels": list(LABELS),
              "types": list(COMPLAINT_TYPES), "topics": list(self.topics)})

    def rows(self) -> list[tuple[int, float, str, str, str]]:
        """(n, sentiment_score, sentiment_label, complaint_type, complaint_topic) per row."""
        columns = (self.n, self.sentiment_score, self.sentiment_label, self.complaint_type,
                   self.complaint_topic)
        return [(n, score, LABELS[label], COMPLAINT_TYPES[kind], self.topics[topic])
                for n, score, label, kind, topic in zip(*columns, strict=True)]


def score_rows(rows: list[Row], rules: Rules, models: Models | None = None) -> Scores:
    """Scores of (n, pre-cleaned text, hint) rows; with ``models``, the labels of an industry that
    has a model learned from analysts' corrections are the model's (``_apply_models``)."""
    label_codes = {name: i for i, name in enumerate(LABELS)}
    type_codes = {name: i for i, name in enumerate(COMPLAINT_TYPES)}
    topic_codes = {name: i for i, name in enumerate(rules.topic_names)}
    ns, scores = array("q"), array("d")
    labels, types, topics = array("i"), array("i"), array("i")
    sentiment: dict[str, float] = {}  # the same text under two hints is scored once
    for n, pre, hint in rows:
        cleaned = finish_cleaning(pre)
        score = sentiment.get(cleaned)
        if score is None:
            score = sentiment[cleaned] = sentiment_score(cleaned)
        label = sentiment_label(score)
        ns.append(n)
        scores.append(score)
        labels.append(label_codes[label])
        types.append(type_codes[complaint_type(cleaned, score, label)])
        topics.append(topic_codes[rules.topic(cleaned, hint or None)])
    if models:
        _apply_models(rows, models, scores, labels, types, topics, topic_codes, label_codes, type_codes)
    return Scores(ns, scores, labels, types, topics, rules.topic_names)


def _apply_models(rows: list[Row], models: Models, scores: array, labels: array, types: array,
                  topics: array, topic_codes: dict[str, int], label_codes: dict[str, int],
                  type_codes: dict[str, int]) -> None:
    """Relabel, in place, the rows of each industry with a model: one vectorised prediction per
    industry and label; the complaint type follows the model's sentiment (seed 004's rules)."""
    from groundswell.transform.enrichment.learned import predict_many  # numpy and scipy: only with a model

    by_industry: dict[str, list[int]] = {}
    for i, (_, _, hint) in enumerate(rows):
        if hint in models:
            by_industry.setdefault(hint, []).append(i)
    for industry, at in by_industry.items():
        sentiment_model, topic_model = models[industry]
        cleaned = [finish_cleaning(rows[i][1]) for i in at]
        vader = [scores[i] for i in at]  # the models' VADER feature: scored once, above
        present = [m for m in (sentiment_model, topic_model) if m is not None]
        # both models from one pass over the texts' n-grams (learned.predict_many)
        predicted = dict(zip((m.kind for m in present), predict_many(present, cleaned, vader), strict=True))
        for i, text, score, label in zip(at, cleaned, vader, predicted.get("sentiment", ()), strict=False):
            labels[i] = label_codes[label]
            types[i] = type_codes[complaint_type(text, score, label)]
        for i, topic in zip(at, predicted.get("topic", ()), strict=False):
            topics[i] = topic_codes.get(topic, topic_codes["other"])


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """A worker's loop: read the rules, then answer each list of rows with ``("ok", Scores)``
    (or ``("error", exception)``), one pickle each, until the input ends."""
    if stdout is None:
        # The scores own file descriptor 1: anything else printed goes to stderr.
        stdout = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    stdin = stdin or sys.stdin.buffer
    try:
        rules, models = pickle.load(stdin)
    except EOFError:
        return
    sentiment_score("")  # load VADER's lexicon while the parent prepares the first rows
    while True:
        try:
            rows = pickle.load(stdin)
        except EOFError:
            return  # the parent is done
        try:
            answer = ("ok", score_rows(rows, rules, models))
        except Exception as exc:  # noqa: BLE001 - raised again in the parent
            answer = ("error", exc)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            data = pickle.dumps(("error", RuntimeError(repr(answer[1]))), pickle.HIGHEST_PROTOCOL)
        try:
            stdout.write(data)
            stdout.flush()
        except BrokenPipeError:
            return  # the parent stopped listening (it failed, or gave up on a worker)


def pool_size(distinct_texts: int, workers: int | None = None) -> int:
    """Processes to score with: ``workers`` when given, else one per core for a large run, else 1."""
    if workers is not None:
        return max(1, workers)
    if distinct_texts < POOL_MIN_TEXTS:
        return 1
    return max(1, os.cpu_count() or 1)


class Scorer:
    """Scores chunks with ``workers`` processes (1: in this process); use as a context manager."""

    def __init__(self, rules: Rules, workers: int = 1, models: Models | None = None) -> None:
        self.rules = rules
        self.models = models or {}
        self.workers = workers
        self.pool: list[subprocess.Popen] = []

    def __enter__(self) -> Scorer:
        if self.workers > 1:
            try:
                self._start()
            except OSError as exc:
                log.warning("enrichment: worker processes did not start (%s); scoring in this process", exc)
                self._stop()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._stop(kill=exc_type is not None)  # after an error, do not wait for parts in progress

    def _start(self) -> None:
        # The worker imports with this process's sys.path (as multiprocessing's do): the same code.
        command = [sys.executable, "-c", WORKER_CODE, *sys.path]
        rules = pickle.dumps((Rules(self.rules.topic_rows, self.rules.responses, self.rules.version),
                              self.models), pickle.HIGHEST_PROTOCOL)
        for _ in range(self.workers):
            worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self.pool.append(worker)
            worker.stdin.write(rules)
            worker.stdin.flush()

    def _stop(self, kill: bool = False) -> None:
        for worker in self.pool:
            if kill:
                worker.kill()
            for pipe in (worker.stdin, worker.stdout):  # end of input: an idle worker returns
                try:
                    pipe.close()
                except OSError:
                    pass
        for worker in self.pool:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.pool = []

    def score(self, rows: list[Row]) -> list[Scores]:
        """The chunk's scores (in parts when workers scored them)."""
        if self.pool and len(rows) >= 2 * len(self.pool):
            # One equal part per worker: fixed-size parts leave a worker idle at each chunk's end.
            size = -(-len(rows) // len(self.pool))
            parts = [rows[i:i + size] for i in range(0, len(rows), size)]
            try:
                for worker, part in zip(self.pool, parts, strict=False):
                    pickle.dump(part, worker.stdin, pickle.HIGHEST_PROTOCOL)
                    worker.stdin.flush()
                answers = [pickle.load(worker.stdout) for worker, _ in zip(self.pool, parts, strict=False)]
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                log.warning("enrichment: a worker process failed (%r); scoring in this process", exc)
                self._stop(kill=True)
            else:
                for status, value in answers:
                    if status == "error":
                        raise value
                return [value for _, value in answers]
        return [score_rows(rows, self.rules, self.models)]
