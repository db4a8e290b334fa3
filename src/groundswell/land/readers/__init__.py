"""API readers: fetch X and Facebook pages into the landing drop folders, unchanged.

A reader run fetches every page of every brand account (``dbt/seeds/
brand_accounts.csv``) and writes each page as one file into
``landing/<family>/<entity>/dt=YYYY-MM-DD/``, where ``groundswell.land.landing``
picks it up like any other file drop.

A run is all or nothing.  Pages are written as ``*.json.partial`` while the
run fetches (landing only reads ``*.json``) and renamed into place once every
page of every account has arrived; a failed run deletes its partial files.
Only then is the incremental cursor saved, so a failed or killed run is simply
fetched again next time: data may be fetched twice (staging keeps the latest
landing of a record), never skipped.

Two ways to choose what to fetch:

- :func:`fetch_interval`: a fixed time window (the daily Airflow run, a
  backfill), written into ``dt=<start date>`` under names stamped with the
  start, so re-running the same window replaces its files.  It neither reads
  nor moves the cursor.  It also fetches again the brand's own posts created
  in the ``GROUNDSWELL_POST_METRICS_WINDOW_DAYS`` (default 28) before the
  window (a reader's ``refreshed_endpoints``), into the same pages: their
  metrics keep growing after the day they were posted, and the latest landing
  of a post is the one staging keeps.
- :func:`fetch_incremental`: everything after the cursor of each account's
  endpoint (X: newest tweet id → ``since_id``; Facebook: newest
  ``created_time`` → ``since``), written into ``dt=<today UTC>``.  The first
  run, with no cursor, fetches all the API gives.  It fetches no post twice,
  so it refreshes no metrics: schedule interval runs for that.

Run one instance of a reader at a time (in Airflow: ``max_active_runs=1`` or a
pool of one): runs of the same reader share its state file.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from groundswell.config import Settings, get_settings
from groundswell.land.landing import partition_dir
from groundswell.land.readers.facebook import READER as FACEBOOK
from groundswell.land.readers.http import ApiClient, Page, ReaderError, RetryPolicy, write_atomic
from groundswell.land.readers.x import FOLLOWERS_READER as X_FOLLOWERS
from groundswell.land.readers.x import READER as X
from groundswell.land.sources import get_source

log = logging.getLogger(__name__)

STATE_VERSION = 1


class Reader(Protocol):
    """What a reader module provides (see ``readers/x.py``, ``readers/facebook.py``)."""

    name: str
    source_key: str
    platform: str
    endpoints: tuple[str, ...]
    # The endpoints of the brand's own posts, whose metrics an interval run fetches again for
    # GROUNDSWELL_POST_METRICS_WINDOW_DAYS (``pages(refresh_from=...)``).
    refreshed_endpoints: tuple[str, ...]

    def connect(self, policy: RetryPolicy | None = None) -> ApiClient: ...

    def pages(self, client: ApiClient, account_id: str, endpoint: str, *, cursor: str | None = None,
              start: datetime | None = None, end: datetime | None = None,
              refresh_from: datetime | None = None) -> Iterator[Page]: ...

    def advance(self, cursor: str | None, page: Page) -> str | None: ...


READERS: dict[str, Reader] = {r.name: r for r in (X, X_FOLLOWERS, FACEBOOK)}


def get_reader(name: str) -> Reader:
    try:
        return READERS[name]
    except KeyError:
        raise ReaderError(f"unknown reader {name!r}; choose one of: {', '.join(READERS)}") from None


@dataclass(frozen=True)
class Account:
    """One row of ``dbt/seeds/brand_accounts.csv``."""

    platform: str
    account_id: str
    handle: str
    brand: str

    @property
    def slug(self) -> str:
        """The handle as it appears in file names: ``NorthwindAir`` → ``northwindair``."""
        return re.sub(r"[^a-z0-9]+", "-", self.handle.lower()).strip("-") or self.account_id


def brand_accounts(platform: str, settings: Settings | None = None) -> list[Account]:
    """The brand's accounts on ``platform``, from the dbt seed the warehouse joins on."""
    settings = settings or get_settings()
    seed = settings.dbt_project_dir / "seeds" / "brand_accounts.csv"
    if not seed.exists():
        raise ReaderError(f"{seed} is missing: it lists the accounts to fetch "
                          "(platform,account_id,account_handle,brand)")
    with seed.open(newline="", encoding="utf-8") as f:
        accounts = [Account(row["platform"], row["account_id"], row["account_handle"], row["brand"])
                    for row in csv.DictReader(f) if row["platform"] == platform]
    if not accounts:
        raise ReaderError(f"{seed} lists no {platform} accounts: add a row per account to fetch")
    slugs = [a.slug for a in accounts]
    if len(set(slugs)) != len(slugs):
        raise ReaderError(f"{seed}: two {platform} accounts share a handle ({slugs}); their files "
                          "would overwrite each other")
    return accounts


@dataclass(frozen=True)
class FetchResult:
    reader: str
    partition: date  # the dt= folder the pages went into
    pages: int
    records: int
    files: tuple[Path, ...]
    cursor: dict[str, str] | None  # saved cursors ("<endpoint>:<account id>" → value); None: interval


# -- cursor state ---------------------------------------------------------------------------

def state_path(reader_name: str, settings: Settings) -> Path:
    return settings.home / "state" / "readers" / f"{reader_name}.json"


def load_cursors(reader_name: str, settings: Settings | None = None) -> dict[str, str]:
    """Cursors of a reader by ``"<endpoint>:<account id>"``; empty before its first run."""
    path = state_path(reader_name, settings or get_settings())
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in state["cursors"].items()}
    except (ValueError, KeyError, AttributeError) as exc:
        raise ReaderError(f"{path} is not a reader state file ({exc}): fix it, or delete it to fetch "
                          "everything the API still holds") from exc


def save_cursors(reader_name: str, cursors: dict[str, str], settings: Settings) -> None:
    state = {"version": STATE_VERSION, "reader": reader_name,
             "updated_at": datetime.now(UTC).isoformat(timespec="seconds"), "cursors": cursors}
    text = json.dumps(state, indent=2, sort_keys=True) + "\n"
    write_atomic(state_path(reader_name, settings), text.encode())


# -- runs -----------------------------------------------------------------------------------

def fetch_interval(reader_name: str, start: datetime, end: datetime, settings: Settings | None = None,
                   *, accounts: list[Account] | None = None, policy: RetryPolicy | None = None
                   ) -> FetchResult:
    """Fetch what was posted in ``[start, end)`` into ``dt=<start date>``, and the brand's own
    posts of the ``post_metrics_window_days`` before ``start`` again, for their current metrics.

    Naive datetimes are taken as UTC.  The cursor is left alone: a backfill of
    an old window must not make the incremental run skip what came after it.
    """
    start, end = _utc(start), _utc(end)
    if start >= end:
        raise ReaderError(f"empty interval: start {start.isoformat()} is not before end {end.isoformat()}")
    settings = settings or get_settings()
    window = settings.post_metrics_window_days
    return _run(get_reader(reader_name), settings, accounts, policy,
                partition=start.date(), stamp=start, cursors=None, start=start, end=end,
                refresh_from=start - timedelta(days=window) if window else None)


def fetch_incremental(reader_name: str, settings: Settings | None = None, *,
                      accounts: list[Account] | None = None, policy: RetryPolicy | None = None
                      ) -> FetchResult:
    """Fetch what is new since the last successful run into ``dt=<today UTC>``; save the cursor."""
    settings = settings or get_settings()
    reader = get_reader(reader_name)
    now = datetime.now(UTC)
    result = _run(reader, settings, accounts, policy, partition=now.date(), stamp=now,
                  cursors=load_cursors(reader.name, settings))
    save_cursors(reader.name, result.cursor or {}, settings)  # only now: every page is in place
    return result


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _run(reader: Reader, settings: Settings, accounts: list[Account] | None, policy: RetryPolicy | None,
         *, partition: date, stamp: datetime, cursors: dict[str, str] | None,
         start: datetime | None = None, end: datetime | None = None,
         refresh_from: datetime | None = None) -> FetchResult:
    accounts = accounts if accounts is not None else brand_accounts(reader.platform, settings)
    folder = partition_dir(settings, get_source(reader.source_key), partition)
    run_stamp = stamp.strftime("%Y%m%dT%H%M%S")
    if cursors is not None:
        run_stamp = _unused_stamp(folder, run_stamp)
    new_cursors = dict(cursors or {})
    written: list[Path] = []  # final names; the files are still *.json.partial
    prefixes: list[str] = []
    records = 0
    client = reader.connect(policy)  # raises for missing credentials before anything starts
    try:
        with client:
            for account in accounts:
                for endpoint in reader.endpoints:
                    key = f"{endpoint}:{account.account_id}"
                    # Files are named by handle, or by id where the page must say whose it is.
                    label = reader.file_label(account) if hasattr(reader, "file_label") else account.slug
                    prefix = f"{endpoint}-{label}-{run_stamp}-p"
                    prefixes.append(prefix)
                    pages = reader.pages(client, account.account_id, endpoint,
                                         cursor=cursors.get(key) if cursors is not None else None,
                                         start=start, end=end,
                                         refresh_from=refresh_from if endpoint in reader.refreshed_endpoints
                                         else None)
                    # X sends no "data" at all when nothing matched; landing would quarantine such
                    # a page as "not an API response page", so empty pages are not written.
                    got, number = 0, 0
                    for page in (p for p in pages if p.records):
                        number += 1
                        final = folder / f"{prefix}{number:03d}.json"
                        write_atomic(_partial(final), page.body)
                        written.append(final)
                        got += len(page.records)
                        if moved := reader.advance(new_cursors.get(key), page):
                            new_cursors[key] = moved
                    records += got
                    log.info("%s %s of %s: %d records", reader.name, endpoint, account.handle, got)
        for final in written:
            os.replace(_partial(final), final)
    except BaseException as exc:
        for final in written:
            _partial(final).unlink(missing_ok=True)
        if isinstance(exc, ReaderError):
            raise ReaderError(f"{exc} (nothing was written and the cursor was not moved: the next "
                              "run fetches it all again)") from exc
        raise
    _drop_stale_pages(folder, prefixes, written)
    log.info("%s: %d pages, %d records into %s", reader.name, len(written), records, folder)
    return FetchResult(reader.name, partition, len(written), records, tuple(written),
                       new_cursors if cursors is not None else None)


def _unused_stamp(folder: Path, stamp: str) -> str:
    """``stamp``, or ``stamp-2``, ... when a run in the same second already wrote it.

    Incremental runs must never replace each other's pages: the earlier run's
    cursor has moved past them.  (Interval runs reuse their stamp on purpose.)
    """
    candidate, n = stamp, 1
    while any(folder.glob(f"*-{candidate}-p*.json*")):
        n += 1
        candidate = f"{stamp}-{n}"
    return candidate


def _partial(final: Path) -> Path:
    return final.with_name(final.name + ".partial")


def _drop_stale_pages(folder: Path, prefixes: list[str], written: list[Path]) -> None:
    """Pages an earlier run of the same window wrote beyond this run's last page.

    A re-run of a window replaces its files by name; if it now has fewer
    pages, the surplus of the old run would otherwise land again.
    """
    keep = set(written)
    for prefix in prefixes:
        for old in folder.glob(f"{prefix}*.json"):
            if old not in keep:
                old.unlink()
