"""Where pages get their data: the published snapshot, opened read-only per request, showing only
the rows of the current user's business units (dashboards/access.py).

A published snapshot never changes (a publish renames a new file into place), so what a query
function returns for one snapshot, one user's units and one set of filter values stays true until
the next publish: ``cached`` keeps those results per process. Executives open the same default
views again and again; at the large scale one care page costs about 0.7 s of DuckDB
(docs/operations.md, "Dashboards under load"), which a cache hit does not pay.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd
from cachetools import LRUCache
from flask import g, has_request_context

from dashboards import access
from groundswell.config import get_settings
from groundswell.warehouse import SnapshotMissingError

#: Memory the kept results may take per process (estimated); the least recently used go first.
CACHE_BYTES = 64 * 1024 * 1024

_cache_lock = threading.Lock()
_KEYS = "_groundswell_snapshot_keys"  # flask.g: id(connection) -> the snapshot key it reads


@contextmanager
def snapshot() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the snapshot published under $GROUNDSWELL_HOME, restricted to
    the current request's units (every page query goes through here).

    Opened per request and closed after it: the snapshot may be replaced by a
    publish at any moment, and the next request then sees the new one.
    """
    path = get_settings().published_path
    try:
        # Before connecting: should a publish land in between, results of the newer file are kept
        # under the older key (seen only by requests that saw the older file), never the reverse.
        stat = path.stat()
    except FileNotFoundError:
        raise SnapshotMissingError(path) from None
    scope = access.current_scope()
    con = access.connect(path, scope)
    keys = _request_keys()
    if keys is not None:
        keys[id(con)] = (stat.st_ino, stat.st_mtime_ns, stat.st_size, scope)
    try:
        yield con
    finally:
        if keys is not None:
            keys.pop(id(con), None)
        con.close()


def _request_keys() -> dict | None:
    if not has_request_context():
        return None
    if not hasattr(g, _KEYS):
        setattr(g, _KEYS, {})
    return getattr(g, _KEYS)


def cached(query: Callable) -> Callable:
    """Memoize ``query(con, *args)`` per snapshot file, units and arguments, in a request whose
    ``con`` came from ``snapshot()``; elsewhere (scripts, tests calling queries directly) it runs."""

    @functools.wraps(query)
    def run(con: duckdb.DuckDBPyConnection, *args, **kwargs):
        keys = _request_keys()
        snapshot_key = keys.get(id(con)) if keys is not None else None
        if snapshot_key is None:
            return query(con, *args, **kwargs)
        key = (snapshot_key, query.__module__, query.__qualname__, repr(args), repr(sorted(kwargs.items())))
        with _cache_lock:
            kept = _cache.get(key, _MISSING)  # a hit makes the key the most recently used
        if kept is not _MISSING:
            return copy.deepcopy(kept)  # callers may reshape what they get
        value = query(con, *args, **kwargs)
        with _cache_lock:
            # A result larger than the whole cache is not kept (cachetools raises ValueError).
            if _size(value) <= _cache.maxsize:
                _cache[key] = copy.deepcopy(value)
        return value

    return run


def _size(value: object) -> int:
    """About the bytes ``value`` holds: a DataFrame's own count, else a small constant."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum()) + 1024
    if isinstance(value, tuple | list):
        return sum(_size(v) for v in value) + 64
    return 1024  # a dict of a few figures, a filter's options


_MISSING = object()
_cache: LRUCache = LRUCache(maxsize=CACHE_BYTES, getsizeof=_size)


def clear_cache() -> None:
    """Forget every kept result; the cache takes CACHE_BYTES as it is now."""
    global _cache
    with _cache_lock:
        _cache = LRUCache(maxsize=CACHE_BYTES, getsizeof=_size)
