"""Where pages get their data: the published snapshot, opened read-only per request, showing only
the rows of the current user's business units (dashboards/access.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from dashboards import access
from groundswell.config import get_settings
from groundswell.warehouse import SnapshotMissingError


@contextmanager
def snapshot() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the snapshot published under $GROUNDSWELL_HOME, restricted to
    the current request's units (every page query goes through here).

    Opened per request and closed after it: the snapshot may be replaced by a
    publish at any moment, and the next request then sees the new one.
    """
    path = get_settings().published_path
    if not path.exists():
        raise SnapshotMissingError(path)
    con = access.connect(path, access.current_scope())
    try:
        yield con
    finally:
        con.close()
