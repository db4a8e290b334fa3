"""Landing: one batch of files into ``raw.*`` in one transaction.

Good records go to the source's raw table with lineage columns, bad ones to
``raw.quarantine`` with the reason and the original payload, and one row to
``raw.load_audit`` with received = landed + quarantined.  Landing a file
again replaces what it landed before, so re-running a day never duplicates.

Files stream: each is parsed once on its way into the raw table, and read a
second time only when a cheap count shows it held bad records; DuckDB's
memory limit (``GROUNDSWELL_DUCKDB_MEMORY_LIMIT``) bounds a batch of any size.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.ops import current_run
from groundswell.progress import track
from groundswell.sources import SOURCE_GROUPS, SOURCES, Source, get_source
from groundswell.sources.base import LINEAGE_COLUMNS, CheckedQuery, quote_ident, quote_literal
from groundswell.warehouse import utcnow, writer

log = logging.getLogger(__name__)


class LandingError(RuntimeError):
    """Files could not be landed; the message says why and what to do."""


@dataclass(frozen=True)
class LoadResult:
    batch_id: str
    source: str
    table: str
    files: tuple[str, ...]
    received: int
    landed: int
    quarantined: int


def resolve_files(source: Source, paths: Iterable[Path | str]) -> list[Path]:
    """Files to land: given files as they are, folders searched for the source's pattern."""
    files: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise LandingError(f"{path} does not exist: give a file or a folder of {source.key} files")
        if path.is_dir():
            found = sorted(p for p in path.rglob(source.file_pattern) if p.is_file())
            if not found:
                raise LandingError(
                    f"{path} holds no {source.file_pattern} files for {source.key}: "
                    f"expected {source.shape}"
                )
            files.update(p.resolve() for p in found)
        else:
            files.add(path.resolve())
    return sorted(files)


def batch_id_for(source: Source, files: Sequence[Path]) -> str:
    """The same files always make the same batch id, so landing them again replaces them."""
    digest = hashlib.sha256()
    digest.update(source.key.encode())
    for f in files:
        digest.update(b"\0" + str(f).encode())
    return f"{source.key}-{digest.hexdigest()[:16]}"


def land_files(
    source_key: str,
    paths: Iterable[Path | str],
    settings: Settings | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> LoadResult:
    """Land the given files (or folders) of one source as one batch."""
    source = get_source(source_key)
    files = resolve_files(source, paths)
    if not files:
        raise LandingError(f"no files given for {source.key}")
    if con is None:
        with writer(settings or get_settings()) as own:
            return _land(own, source, files)
    return _land(con, source, files)


def land_group(
    group: str, folder: Path | str, settings: Settings | None = None
) -> list[LoadResult]:
    """Land every table of a source group (``fivetran``) found in ``folder``, one batch per table.

    Only the folder itself is searched (a connector's export is one flat folder);
    tables that are absent are skipped, and a folder with none of them is an error.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise LandingError(f"{folder} is not a folder: give the folder holding the {group} tables")
    sources = [get_source(key) for key in SOURCE_GROUPS[group]]
    found = [(s, sorted(p.resolve() for p in folder.glob(s.file_pattern) if p.is_file())) for s in sources]
    found = [(s, files) for s, files in found if files]
    if not found:
        patterns = ", ".join(s.file_pattern for s in sources)
        raise LandingError(f"{folder} holds none of the {group} tables: expected files like {patterns}")
    with writer(settings or get_settings()) as con:
        return [_land(con, source, files) for source, files in found]


def _land(con: duckdb.DuckDBPyConnection, source: Source, files: list[Path]) -> LoadResult:
    batch_id = batch_id_for(source, files)
    file_names = [str(f) for f in files]
    started = utcnow()
    con.execute("BEGIN TRANSACTION")
    try:
        # Replace whatever this batch, or any of its files, landed before. The audit (small)
        # says whether there is anything to replace, sparing a scan of the raw table.
        landed_before = con.execute(
            "SELECT count(*) FROM raw.load_audit WHERE source = ? "
            "AND (batch_id = ? OR list_has_any(files, ?::VARCHAR[]))",
            [source.key, batch_id, file_names],
        ).fetchone()[0]
        if landed_before:
            con.execute(
                f"DELETE FROM {source.qualified_table} "
                "WHERE _batch_id = ? OR list_contains(?::VARCHAR[], _source_file)",
                [batch_id, file_names],
            )
            con.execute(
                "DELETE FROM raw.quarantine WHERE source = ? "
                "AND (batch_id = ? OR list_contains(?::VARCHAR[], source_file))",
                [source.key, batch_id, file_names],
            )
        batch = _Batch(con, source, batch_id, started)
        for query in source.checked_queries(files, f"TIMESTAMP '{started.isoformat(sep=' ')}'"):
            batch.land(query)
        duplicates = _set_aside_duplicates(con, source, batch_id, started)
        received = batch.inserted + batch.quarantined
        landed, quarantined = batch.inserted - duplicates, batch.quarantined + duplicates
        con.execute(
            "INSERT INTO raw.load_audit (batch_id, source, target_table, file_count, files, received, "
            "landed, quarantined, started_at, finished_at, dag_id, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [batch_id, source.key, source.qualified_table, len(files), file_names,
             received, landed, quarantined, started, utcnow(), *current_run()],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    result = LoadResult(batch_id, source.key, source.qualified_table, tuple(file_names),
                        received, landed, quarantined)
    log.info("landed %s: %s", source.key, result)
    return result


class _Batch:
    """Lands checked records: good ones straight into the raw table, bad ones into quarantine.

    Each file is parsed once on the way into the raw table.  Its bad records
    are found by a second pass only when there are any: a cheap count of the
    file's records (lines split, nothing parsed) says whether all arrived.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, started) -> None:
        self.con, self.source, self.batch_id, self.started = con, source, batch_id, started
        self.inserted = self.quarantined = 0
        fields = ", ".join(quote_ident(f.name) for f in source.fields)
        lineage = ", ".join(name for name, _ in LINEAGE_COLUMNS)
        self.insert_good = (f"INSERT INTO {source.qualified_table} ({fields}, {lineage}) "
                            f"SELECT {fields}, _extras, ?, _source_file, _record_no, ? "
                            "FROM ({sql}) WHERE _reject_reason IS NULL")
        self.insert_bad = ("INSERT INTO raw.quarantine "
                           "SELECT ?, ?, ?, _source_file, _record_no, _reject_reason, _payload, ? "
                           "FROM ({sql}) WHERE _reject_reason IS NOT NULL")

    def _run(self, statement: str, sql: str, params: list) -> int:
        return self.con.execute(statement.replace("{sql}", sql), params).fetchone()[0]

    def land(self, query: CheckedQuery) -> None:
        _drop_rejects(self.con)
        if query.prepare:
            self.con.execute(query.prepare)
            if query.renumber and _rejected_lines(self.con):
                self.con.execute(query.renumber)
        good = self._run(self.insert_good, query.sql, [self.batch_id, self.started])
        self.inserted += good
        if query.rejects_of is not None and _has_rejects(self.con):
            # Lines DuckDB's reader could not read (column count, quoting, encoding): kept with
            # their line number, the reader's error and the line's text. A line can fail more
            # than once (a column missing twice): one record, its first error.
            label = "CSV line " if self.source.format == "csv" else "line "
            source_file = quote_literal(query.rejects_of) if query.rejects_of else "s.file_path"
            self.quarantined += self.con.execute(
                "INSERT INTO raw.quarantine "
                f"SELECT DISTINCT ON (source_file, line) ?, ?, ?, {source_file} AS source_file, "
                f"line - {query.header_lines}, "
                f"'{label}' || line || ': ' || error_message, csv_line, ? "
                "FROM _rejects_errors e JOIN _rejects_scans s USING (scan_id, file_id) "
                "ORDER BY source_file, line, column_idx",
                [self.batch_id, self.source.key, self.source.qualified_table, self.started],
            ).fetchone()[0]
        _drop_rejects(self.con)
        if query.count_sql is None or self.con.execute(query.count_sql).fetchone()[0] != good:
            # Some records were bad: a second pass finds them (the reader sets the same lines
            # aside again; they are already counted).
            self.quarantined += self._run(
                self.insert_bad, query.sql,
                [self.batch_id, self.source.key, self.source.qualified_table, self.started])
            _drop_rejects(self.con)
        if query.cleanup:
            self.con.execute(query.cleanup)


def _has_rejects(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_rejects_errors'").fetchone()[0])


def _rejected_lines(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM _rejects_errors").fetchone()[0] if _has_rejects(con) else 0


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _rejects_errors; DROP TABLE IF EXISTS _rejects_scans")


def _set_aside_duplicates(con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, started) -> int:
    """A key seen twice in one batch lands once: the first record, by file and position.

    Later copies move from the raw table to quarantine, saying which record was
    kept, with the record as checked (its typed fields and extras) as the
    payload.  Across batches the raw table keeps every landing; staging keeps
    the latest.  Returns how many records were set aside.
    """
    table = source.qualified_table
    key = ", ".join(quote_ident(k) for k in source.natural_key)
    duplicated = con.execute(
        f"SELECT count(*) FROM (SELECT {key} FROM {table} WHERE _batch_id = ? "
        "GROUP BY ALL HAVING count(*) > 1)",
        [batch_id],
    ).fetchone()[0]
    if not duplicated:
        return 0
    order = f"{source.keep_first_by}, " if source.keep_first_by else ""
    key_text = " || '/' || ".join(f"{quote_ident(k)}::VARCHAR" for k in source.natural_key)
    record = ", ".join(f"{quote_literal(f.name)}: {quote_ident(f.name)}" for f in source.fields)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _duplicates AS
        SELECT * FROM (
          SELECT rowid AS rid, _source_file, _record_no,
                 'duplicate {'/'.join(source.natural_key)} ' || {key_text}
                   || ' within the batch: kept record ' || first_value(_record_no) OVER w
                   || ' of ' || first_value(_source_file) OVER w AS reason,
                 to_json({{{record}, '_extras': _extras}})::VARCHAR AS payload,
                 row_number() OVER w AS n
          FROM {table}
          WHERE _batch_id = ?
            AND ({key}) IN (SELECT ({key}) FROM {table} WHERE _batch_id = ?
                            GROUP BY ALL HAVING count(*) > 1)
          WINDOW w AS (PARTITION BY {key} ORDER BY {order}_source_file, _record_no)
        ) WHERE n > 1
    """, [batch_id, batch_id])
    moved = con.execute(
        "INSERT INTO raw.quarantine SELECT ?, ?, ?, _source_file, _record_no, reason, payload, ? "
        "FROM _duplicates",
        [batch_id, source.key, table, started],
    ).fetchone()[0]
    con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT rid FROM _duplicates)")
    con.execute("DROP TABLE _duplicates")
    return moved


def partition_dir(settings: Settings, source: Source, day: date) -> Path:
    return settings.landing_dir / source.drop_dir / f"dt={day.isoformat()}"


def partitions(settings: Settings, source: Source) -> list[date]:
    """Dated partitions present in the source's drop folder."""
    root = settings.landing_dir / source.drop_dir
    days = []
    for d in root.glob("dt=*"):
        try:
            days.append(date.fromisoformat(d.name.removeprefix("dt=")))
        except ValueError:
            log.warning("ignoring %s: partition folders are named dt=YYYY-MM-DD", d)
    return sorted(days)


def land_interval(
    source_key: str,
    start: date | None = None,
    end: date | None = None,
    settings: Settings | None = None,
) -> list[LoadResult]:
    """Land each dated partition of a source with ``start <= day < end`` (all when open).

    One batch per partition: a re-run of a day replaces that day.  Days with no
    partition folder are skipped (the source sent nothing for them).
    """
    settings = settings or get_settings()
    source = get_source(source_key)
    days = [
        d for d in partitions(settings, source)
        if (start is None or d >= start) and (end is None or d < end)
    ]
    results = []
    with writer(settings) as con:
        for day in track(days, f"landing {source.key}"):
            folder = partition_dir(settings, source, day)
            files = sorted(p for p in folder.glob(source.file_pattern) if p.is_file())
            if files:
                results.append(_land(con, source, files))
    if not days:
        log.info("no %s partitions between %s and %s in %s", source.key, start, end,
                 settings.landing_dir / source.drop_dir)
    return results


def land_everything(settings: Settings | None = None) -> list[LoadResult]:
    """Every partition of every source (the demo and a first backfill)."""
    settings = settings or get_settings()
    return [r for key in SOURCES for r in land_interval(key, settings=settings)]
