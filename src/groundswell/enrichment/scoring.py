"""Scoring chunks of distinct texts, in this process or in a pool of processes.

VADER and the topic pattern are pure Python and hold the GIL: about 8,000 distinct
texts a second on one core.  A run with many distinct texts (a first load of real
data; the demo's texts repeat, so never the demo) splits each chunk over a
``ProcessPoolExecutor`` of one worker per core, one equal part of each chunk per
worker (docs/metrics.md has the measured gain).  Starting the workers costs about a second
(each imports VADER and compiles the patterns), so small runs stay in-process.

Workers start with ``forkserver`` (``spawn`` where there is none), never ``fork``:
the parent holds DuckDB's threads, and forking a threaded process is unsafe.
Where a pool cannot start (a daemonic process, as some executors run tasks in) or
breaks, the chunk is scored in-process instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pyarrow as pa

from groundswell.enrichment.rules import Rules
from groundswell.enrichment.rules import complaint_type as type_of
from groundswell.enrichment.text import finish_cleaning, sentiment_label, sentiment_score

log = logging.getLogger(__name__)

#: Distinct texts from which a run scores in a pool (below it, starting workers costs more than it saves).
POOL_MIN_TEXTS = 50_000

Row = tuple[int, str, str]  # (n, pre-cleaned text, industry hint or '')


def score_rows(rows: list[Row], rules: Rules) -> pa.Table:
    """Scores of (n, pre-cleaned text, hint) rows as an Arrow table keyed by ``n``."""
    ns, scores, labels, types, topics = [], [], [], [], []
    sentiment: dict[str, float] = {}  # the same text under two hints is scored once
    for n, pre, hint in rows:
        cleaned = finish_cleaning(pre)
        score = sentiment.get(cleaned)
        if score is None:
            score = sentiment[cleaned] = sentiment_score(cleaned)
        label = sentiment_label(score)
        ns.append(n)
        scores.append(score)
        labels.append(label)
        types.append(type_of(cleaned, score, label))
        topics.append(rules.topic(cleaned, hint or None))
    return pa.table({"n": pa.array(ns, pa.int64()), "sentiment_score": pa.array(scores, pa.float64()),
                     "sentiment_label": labels, "complaint_type": types, "complaint_topic": topics})


_worker_rules: Rules | None = None


def _init_worker(rules: Rules) -> None:
    global _worker_rules
    _worker_rules = rules


def _score_in_worker(rows: list[Row]) -> pa.Table:
    assert _worker_rules is not None, "worker started without rules"
    return score_rows(rows, _worker_rules)


def pool_size(distinct_texts: int, workers: int | None = None) -> int:
    """Processes to score with: ``workers`` when given, else one per core for a large run, else 1."""
    if workers is not None:
        return max(1, workers)
    if distinct_texts < POOL_MIN_TEXTS or multiprocessing.current_process().daemon:
        return 1
    return max(1, os.cpu_count() or 1)


class Scorer:
    """Scores chunks with ``workers`` processes (1: in this process); use as a context manager."""

    def __init__(self, rules: Rules, workers: int = 1) -> None:
        self.rules = rules
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Scorer:
        if self.workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                            initializer=_init_worker, initargs=(self.rules,))
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def score(self, rows: list[Row]) -> list[pa.Table]:
        """The chunk's scores (in parts when the pool scored them)."""
        if self.pool is not None and len(rows) >= 2 * self.workers:
            # One equal part per worker: fixed-size parts leave a worker idle at each chunk's end.
            size = -(-len(rows) // self.workers)
            parts = [rows[i:i + size] for i in range(0, len(rows), size)]
            try:
                return list(self.pool.map(_score_in_worker, parts))
            except (BrokenProcessPool, OSError, AssertionError) as exc:
                log.warning("enrichment: the process pool failed (%s); scoring in this process", exc)
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
        return [score_rows(rows, self.rules)]
