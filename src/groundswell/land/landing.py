"""Landing: one batch of files into the raw lake, whole or not at all.

Good records go to the source's raw dataset with lineage columns, bad ones to quarantine with
the reason and the original payload, and one row to the load audit with received = landed +
quarantined: three Parquet files of the lake (``groundswell.lake``), committed together.
Landing a file again replaces what it landed before, so re-running a day never duplicates.

A landing needs no lock on the warehouse: it checks its records in a private in-memory DuckDB
(bounded by ``GROUNDSWELL_DUCKDB_MEMORY_LIMIT``, spilling to ``$GROUNDSWELL_HOME/tmp``) and
writes Parquet files. Landings of different sources and days run side by side; landings of one
table take turns on the table's lock, so ``_loaded_at`` grows in commit order (lake.py).

Files stream: each is parsed once on its way into the batch, and read a second time only when
a cheap count shows it held bad records.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.lake import AUDIT_COLUMNS, QUARANTINE_COLUMNS, Lake, Put
from groundswell.land.sources import SOURCE_GROUPS, SOURCES, Source, get_source
from groundswell.land.sources.base import (
    BRAND_CONFIGURATION,
    LINEAGE_COLUMNS,
    Bounds,
    CheckedQuery,
    quote_ident,
    quote_literal,
)
from groundswell.progress import track
from groundswell.runs import current_run, utcnow

log = logging.getLogger(__name__)

_PARTITION = re.compile(r"(?:^|/)dt=(\d{4}-\d{2}-\d{2})(?:/|$)")


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
) -> LoadResult:
    """Land the given files (or folders) of one source as one batch."""
    source = get_source(source_key)
    files = resolve_files(source, paths)
    if not files:
        raise LandingError(f"no files given for {source.key}")
    settings = settings or get_settings()
    with scratch(settings) as con:
        return _land(con, settings, source, files)


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
    settings = settings or get_settings()
    with scratch(settings) as con:
        return [_land(con, settings, source, files) for source, files in found]


@contextmanager
def scratch(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private in-memory DuckDB to check batches in: bounded, spilling to a folder of its own."""
    (settings.home / "tmp").mkdir(parents=True, exist_ok=True)
    spill = Path(tempfile.mkdtemp(prefix=f"landing-{os.getpid()}-", dir=settings.home / "tmp"))
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
        con.execute(f"SET temp_directory = {quote_literal(str(spill))}")
        settings.raw_lake.register(con)
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def ensure_contracts(con: duckdb.DuckDBPyConnection, lake: Lake, sources: Iterable[Source]) -> None:
    """Each table's contract files, in raw, quarantine and the audit: every table reads with its
    columns before anything landed in it, and a contract that gained a column has it (NULL in the
    batches landed before)."""
    for source in sources:
        lake.ensure_contract(con, "raw", source.table, source.columns())
        lake.ensure_contract(con, "quarantine", source.table, QUARANTINE_COLUMNS)
        lake.ensure_contract(con, "load_audit", source.table, AUDIT_COLUMNS)


def _batch_day(files: Sequence[str], day: date | None, earlier: date | None) -> str:
    """The batch's ``dt``: its drop partition; else the day it first landed (so landing it again
    replaces it in place); else the ``dt=`` folder all its files share; else today (UTC)."""
    if day is not None:
        return day.isoformat()
    if earlier is not None:
        return earlier.isoformat()
    days = {m.group(1) for f in files if (m := _PARTITION.search(f))}
    if len(days) == 1 and len(files) == len([f for f in files if _PARTITION.search(f)]):
        return days.pop()
    return utcnow().date().isoformat()


def _land(con: duckdb.DuckDBPyConnection, settings: Settings, source: Source, files: list[Path],
          day: date | None = None) -> LoadResult:
    lake = settings.raw_lake
    batch_id = batch_id_for(source, files)
    file_names = [str(f) for f in files]
    table = source.table
    ensure_contracts(con, lake, [source])
    with lake.lock(table):
        lake.recover(table)
        started = utcnow()
        # What this batch, or any of its files, landed before: replaced by this landing.
        earlier = con.execute(
            f"SELECT batch_id, max(dt) FROM {lake.read_sql('load_audit', table)} "
            "WHERE source = ? AND (batch_id = ? OR list_has_any(files, ?::VARCHAR[])) GROUP BY ALL",
            [source.key, batch_id, file_names]).fetchall()
        same = [d for b, d in earlier if b == batch_id]
        dt = _batch_day(file_names, day, same[0] if same else None)
        batch = _Batch(con, source, batch_id, started)
        try:
            bounds = _bounds(con, settings, source, started)
            for query in source.checked_queries(files, bounds):
                batch.land(query)
            duplicates = _set_aside_duplicates(con, source, batch_id, started)
            received = batch.inserted + batch.quarantined
            landed, quarantined = batch.inserted - duplicates, batch.quarantined + duplicates
            dag_id, run_id = current_run()
            con.execute(f"CREATE OR REPLACE TEMP TABLE _audit AS SELECT * FROM ({_typed(AUDIT_COLUMNS)}) "
                        "UNION ALL SELECT ?, ?, ?, ?::DATE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?",
                        [batch_id, source.key, source.qualified_table, dt, len(files), file_names,
                         received, landed, quarantined, started, utcnow(), dag_id, run_id,
                         sorted(b for b, _ in earlier)])
            puts, deletes = _write_batch(con, lake, source, batch_id, dt, started, quarantined)
            deletes += _replaced_elsewhere(con, lake, source, batch_id, dt, earlier, file_names, puts)
            lake.commit(table, [lake.stage(p) for p in puts], deletes)
        finally:
            con.execute("DROP TABLE IF EXISTS _good; DROP TABLE IF EXISTS _bad; DROP TABLE IF EXISTS _audit")
    result = LoadResult(batch_id, source.key, source.qualified_table, tuple(file_names),
                        received, landed, quarantined)
    log.info("landed %s: %s", source.key, result)
    return result


def _bounds(con: duckdb.DuckDBPyConnection, settings: Settings, source: Source, started) -> Bounds:
    """What the batch's values are judged against; the configuration and the landed tables a
    source's checks need, read only for a source that needs them."""
    if source.record_checks is None:
        return Bounds(started, settings.earliest_record_date,
                      brands(settings) if any(f.brand for f in source.fields) else ())
    from groundswell.land.sources.corrections import topic_names

    lake = settings.raw_lake
    ensure_contracts(con, lake, SOURCES.values())  # a named table that never landed reads empty
    return Bounds(started, settings.earliest_record_date, brands(settings),
                  topics=topic_names(settings.dbt_project_dir / "seeds"),
                  read_raw=lambda table: lake.read_sql("raw", table))


def brands(settings: Settings) -> tuple[str, ...]:
    """The brands of the brand configuration (the dbt seed), as spelled there."""
    path = settings.project_root / BRAND_CONFIGURATION
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.DictReader(f)
            if "brand" not in (rows.fieldnames or ()):
                raise KeyError("no brand column")
            return tuple(row["brand"].strip() for row in rows if (row["brand"] or "").strip())
    except (OSError, KeyError, UnicodeDecodeError) as exc:
        raise LandingError(f"cannot read the brand configuration {path} ({exc}): it lists the brands "
                           "(a `brand` column) that mentions may name") from None


def _typed(columns: Sequence[tuple[str, str]]) -> str:
    return "SELECT " + ", ".join(f"NULL::{t} AS {quote_ident(n)}" for n, t in columns) + " LIMIT 0"


def _copy(con: duckdb.DuckDBPyConnection, lake: Lake, select: str, final: str) -> Put:
    local, put = lake.new_file(final)
    con.execute(f"COPY ({select}) TO {quote_literal(local)} (FORMAT parquet, COMPRESSION zstd)")
    return put


def _write_batch(con: duckdb.DuckDBPyConnection, lake: Lake, source: Source, batch_id: str, dt: str,
                 started, quarantined: int) -> tuple[list[Put], list[str]]:
    """The batch's raw, quarantine and audit files under temporary names, and the files of the same
    batch the commit deletes (under another day, or a quarantine it no longer has)."""
    table = source.table
    stamp = started.strftime("%Y%m%dT%H%M%S%f")
    landed_on = started.date().isoformat()
    puts = [_copy(con, lake, "SELECT * FROM _good", lake.batch_path("raw", table, dt, batch_id))]
    if quarantined:
        puts.append(_copy(con, lake, "SELECT * FROM _bad",
                          lake.batch_path("quarantine", table, dt, batch_id)))
    puts.append(_copy(con, lake, "SELECT * FROM _audit",
                      lake.batch_path("load_audit", table, landed_on, f"{batch_id}@{stamp}")))
    written = {p.final for p in puts}
    deletes = [f for dataset in ("raw", "quarantine") for f in lake.batch_files(dataset, table, batch_id)
               if f not in written]
    return puts, deletes


def _replaced_elsewhere(con: duckdb.DuckDBPyConnection, lake: Lake, source: Source, batch_id: str, dt: str,
                        earlier: list, file_names: list[str], puts: list[Put]) -> list[str]:
    """Other batches that landed some of these files: rewritten without those files' records
    (added to ``puts``), or deleted (returned) when nothing else is left in them."""
    deletes: list[str] = []
    files = "[" + ", ".join(quote_literal(f) for f in file_names) + "]"
    for other, _ in earlier:
        if other == batch_id:
            continue
        for dataset, column in (("raw", "_source_file"), ("quarantine", "source_file")):
            for path in lake.batch_files(dataset, source.table, other):
                keep = (f"SELECT * FROM read_parquet({quote_literal(path)}, hive_partitioning = false) "
                        f"WHERE NOT list_contains({files}, {column})")
                if con.execute(f"SELECT count(*) FROM ({keep})").fetchone()[0]:
                    puts.append(_copy(con, lake, keep, path))
                else:
                    deletes.append(path)
    return deletes


class _Batch:
    """Checks records into the batch: good ones into ``_good`` (the raw table's columns), bad ones
    into ``_bad`` (the quarantine's), both temp tables of the landing's own DuckDB.

    Each file is parsed once on the way into ``_good``.  Its bad records are found by a second
    pass only when there are any: a cheap count of the file's records (lines split, nothing
    parsed) says whether all arrived.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, started) -> None:
        self.con, self.source, self.batch_id, self.started = con, source, batch_id, started
        self.inserted = self.quarantined = 0
        con.execute(f"CREATE OR REPLACE TEMP TABLE _good AS {_typed(source.columns())}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _bad AS {_typed(QUARANTINE_COLUMNS)}")
        fields = ", ".join(quote_ident(f.name) for f in source.fields)
        lineage = ", ".join(name for name, _ in LINEAGE_COLUMNS)
        self.insert_good = (f"INSERT INTO _good ({fields}, {lineage}) "
                            f"SELECT {fields}, _extras, ?, _source_file, _record_no, ? "
                            "FROM ({sql}) WHERE _reject_reason IS NULL")
        self.insert_bad = ("INSERT INTO _bad "
                           "SELECT ?, ?, ?, _source_file, _record_no, _reject_reason, _payload, ?, "
                           "_payload_encoding "
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
            # their line number, the reader's error and the line's text, or its bytes when they
            # are not UTF-8. A line can fail more than once (a column missing twice): one record,
            # its first error.
            _line_bytes(self.con, escaped=bool(query.rejects_of))
            label = "CSV line " if self.source.format == "csv" else "line "
            source_file = quote_literal(query.rejects_of) if query.rejects_of else "s.file_path"
            self.quarantined += self.con.execute(
                "INSERT INTO _bad "
                f"SELECT DISTINCT ON (source_file, line) ?, ?, ?, {source_file} AS source_file, "
                f"line - {query.header_lines}, "
                f"'{label}' || line || ': ' || error_message, coalesce(b.payload, csv_line), ?, "
                "CASE WHEN b.payload IS NULL THEN 'utf-8' ELSE 'base64' END "
                "FROM _rejects_errors e JOIN _rejects_scans s USING (scan_id, file_id) "
                "LEFT JOIN _line_bytes b USING (scan_id, file_id, line) "
                "ORDER BY source_file, line, column_idx",
                [self.batch_id, self.source.key, self.source.qualified_table, self.started],
            ).fetchone()[0]
            self.con.execute("DROP TABLE _line_bytes")
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


def _line_bytes(con: duckdb.DuckDBPyConnection, escaped: bool) -> None:
    """``_line_bytes``: the original bytes, in base64, of each line the reader set aside for bytes
    that are not UTF-8 (the reader's copy of such a line has lost them).

    Read from the file at the line's position (``line_byte_position`` counts from 1), up to the
    line's end; only these lines are read, so a large file with a few bad lines costs a few seeks.
    ``escaped``: the file read is a copy with its bare CRs escaped (``_bare_cr_escaped``).
    """
    lines = con.execute(
        "SELECT DISTINCT e.scan_id, e.file_id, e.line, e.line_byte_position, s.file_path "
        "FROM _rejects_errors e JOIN _rejects_scans s USING (scan_id, file_id) "
        "WHERE e.error_type = 'INVALID ENCODING' ORDER BY s.file_path, e.line").fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE _line_bytes "
                "(scan_id UBIGINT, file_id UBIGINT, line UBIGINT, payload VARCHAR)")
    rows, opened = [], {}
    try:
        for scan_id, file_id, line, position, path in lines:
            f = opened.get(path) or opened.setdefault(path, open(path, "rb"))  # noqa: SIM115
            f.seek(max(position - 1, 0))
            raw = f.readline().rstrip(b"\r\n")
            rows.append((scan_id, file_id, line,
                         base64.b64encode(raw.replace(b"\x1e", b"\r") if escaped else raw).decode()))
    finally:
        for f in opened.values():
            f.close()
    if rows:
        con.executemany("INSERT INTO _line_bytes VALUES (?, ?, ?, ?)", rows)


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _rejects_errors; DROP TABLE IF EXISTS _rejects_scans")


def _set_aside_duplicates(con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, started) -> int:
    """A key seen twice in one batch lands once: the first record, by file and position.

    Later copies move from ``_good`` to ``_bad``, saying which record was kept, with the record
    as checked (its typed fields and extras) as the payload.  Across batches the lake keeps
    every landing; staging keeps the latest.  Returns how many records were set aside.
    """
    key = ", ".join(quote_ident(k) for k in source.natural_key)
    duplicated = con.execute(
        f"SELECT count(*) FROM (SELECT {key} FROM _good GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
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
          FROM _good
          WHERE ({key}) IN (SELECT ({key}) FROM _good GROUP BY ALL HAVING count(*) > 1)
          WINDOW w AS (PARTITION BY {key} ORDER BY {order}_source_file, _record_no)
        ) WHERE n > 1
    """)
    moved = con.execute(
        "INSERT INTO _bad SELECT ?, ?, ?, _source_file, _record_no, reason, payload, ?, 'utf-8' "
        "FROM _duplicates",
        [batch_id, source.key, source.qualified_table, started],
    ).fetchone()[0]
    con.execute("DELETE FROM _good WHERE rowid IN (SELECT rid FROM _duplicates)")
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
    with scratch(settings) as con:
        for day in track(days, f"landing {source.key}"):
            folder = partition_dir(settings, source, day)
            files = sorted(p for p in folder.glob(source.file_pattern) if p.is_file())
            if files:
                results.append(_land(con, settings, source, files, day))
    if not days:
        log.info("no %s partitions between %s and %s in %s", source.key, start, end,
                 settings.landing_dir / source.drop_dir)
    return results


def land_everything(settings: Settings | None = None) -> list[LoadResult]:
    """Every partition of every source (the demo and a first backfill)."""
    settings = settings or get_settings()
    return [r for key in SOURCES for r in land_interval(key, settings=settings)]
