"""Where pages get their data: the published snapshot, opened read-only per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from groundswell.config import get_settings
from groundswell.warehouse import published


@contextmanager
def snapshot() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the snapshot published under $GROUNDSWELL_HOME.

    Opened per request and closed after it: the snapshot may be replaced by a
    publish at any moment, and the next request then sees the new one.
    """
    with published(get_settings()) as con:
        yield con
