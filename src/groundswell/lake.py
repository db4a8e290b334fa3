"""The raw layer as a Parquet lake that any engine can read and landings write without a lock.

Layout under the lake root (``GROUNDSWELL_LAKE``, default ``$GROUNDSWELL_HOME/lake``)::

    raw/<table>/dt=YYYY-MM-DD/<batch_id>.parquet         good records, the contract's columns + lineage
    quarantine/<table>/dt=YYYY-MM-DD/<batch_id>.parquet  bad records: reason and original bytes
    load_audit/<table>/landed_on=YYYY-MM-DD/<batch_id>@<stamp>.parquet
                                                         one row per landing: received = landed + quarantined

Hive-partitioned plain Parquet: DuckDB reads it built in, Spark and pandas read it as it is.
``dt`` is the day of the batch (its drop partition); the audit, a history of landings, is
partitioned by the day it landed, so "what landed since" reads the newest folders only.

**Atomic batches.** A landing writes its files under temporary names (``.<name>.<uuid>.tmp``:
no reader's ``*.parquet`` glob matches them), fsyncs them, then writes a journal naming every
rename and deletion it is about to make, and only then makes them. A landing killed before its
journal exists changed nothing visible; one killed after is finished by the next process that
takes the table's lock (``recover``): readers see the old batch or the new one, never half of one,
once recovery has run. ``groundswell build`` recovers every table before dbt reads the lake.

**One landing of a table at a time.** A landing holds its table's lock (``flock`` on a file under
``$GROUNDSWELL_HOME/locks``) from the moment it stamps ``_loaded_at`` until its commit, so
``_loaded_at`` grows in commit order within a table: an incremental model that has read every
landing up to a stamp has missed none before it. Landings of different tables (and the build)
run in parallel.

**Object storage.** The root may be an fsspec URI (``s3://bucket/lake``, ``gs://…``, ``abfs://…``
with the matching fsspec package installed). DuckDB writes each file locally; fsspec uploads it
under its temporary name and renames it in the commit. A rename on object storage is a copy and
a delete, so a reader listing the prefix during a commit may see both or neither of two files;
the journal still finishes every commit. Locks stay local: run the landings of one table on one
machine.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

#: The day of a lake's contract files: every table reads at least its contract, so a table
#: nothing has landed in yet still has its columns (and its readers build). Not a hidden name
#: (Spark and Hadoop skip files starting with ``_`` or ``.``); lakes made before keep a
#: ``_contract.parquet``, which the next contract check replaces.
CONTRACT_DAY = "1970-01-01"
CONTRACT_FILE = "contract.parquet"
LEGACY_CONTRACT_FILE = "_contract.parquet"

#: Columns of a quarantine file and of an audit row (raw files: the source's own contract).
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("batch_id", "VARCHAR"),
    ("source", "VARCHAR"),
    ("target_table", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("record_no", "BIGINT"),
    ("reason", "VARCHAR"),
    ("payload", "VARCHAR"),  # the record as received: its text, or its bytes in base64
    ("quarantined_at", "TIMESTAMP"),
    ("payload_encoding", "VARCHAR"),  # utf-8, or base64 for bytes that are not UTF-8
)
AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("batch_id", "VARCHAR"),
    ("source", "VARCHAR"),
    ("target_table", "VARCHAR"),
    ("dt", "DATE"),  # the batch's partition in raw/ and quarantine/
    ("file_count", "INTEGER"),
    ("files", "VARCHAR[]"),
    ("received", "BIGINT"),
    ("landed", "BIGINT"),
    ("quarantined", "BIGINT"),
    ("started_at", "TIMESTAMP"),  # the batch's _loaded_at
    ("finished_at", "TIMESTAMP"),
    ("dag_id", "VARCHAR"),  # the Airflow DAG and run that landed it (groundswell.runs.current_run)
    ("run_id", "VARCHAR"),
    # Batches whose records in these files this landing replaced (its own earlier landing, another
    # batch that landed one of its files): what an incremental reader must look up again.
    ("replaced_batches", "VARCHAR[]"),
)

#: The lake's three datasets and the hive key each is partitioned by.
PARTITION_KEY = {"raw": "dt", "quarantine": "dt", "load_audit": "landed_on"}


class LakeError(RuntimeError):
    """The lake cannot be used as configured; the message says what to do."""


def empty_select(columns: Sequence[tuple[str, str]]) -> str:
    cols = ", ".join(f'NULL::{typ} AS "{name}"' for name, typ in columns)
    return f"SELECT {cols} LIMIT 0"


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Put:
    """A file written under a temporary name (``tmp``), to be renamed to ``final`` at commit."""

    tmp: str
    final: str


class Lake:
    """A lake root: local folder or fsspec URI. Paths handed out are absolute (or full URIs)."""

    def __init__(self, root: str | Path, locks_dir: Path, scratch_dir: Path) -> None:
        root = str(root).rstrip("/")
        self._contracts: set[tuple] = set()  # contracts this process has seen current
        self.locks_dir = locks_dir
        self.scratch_dir = scratch_dir  # local files DuckDB writes before an upload
        if "://" in root and not root.startswith("file://"):
            import fsspec

            try:
                self.fs, path = fsspec.core.url_to_fs(root)
            except (ImportError, ValueError) as exc:
                raise LakeError(f"GROUNDSWELL_LAKE={root}: {exc}. Install the fsspec package of that "
                                "protocol (s3fs, gcsfs, adlfs) or use a local folder") from exc
            protocol = root.split("://", 1)[0]
            self.root = f"{protocol}://{path.rstrip('/')}" if not path.startswith(protocol) else path
            self.local = False
        else:
            self.fs = None
            self.root = str(Path(root.removeprefix("file://")).expanduser().resolve())
            self.local = True

    # -- paths ---------------------------------------------------------------------------------
    def path(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    def folder(self, dataset: str, table: str, day: str) -> str:
        return self.path(dataset, table, f"{PARTITION_KEY[dataset]}={day}")

    def batch_path(self, dataset: str, table: str, day: str, name: str) -> str:
        return f"{self.folder(dataset, table, day)}/{name}.parquet"

    def glob(self, dataset: str, table: str = "*") -> str:
        return self.path(dataset, table, f"{PARTITION_KEY[dataset]}=*", "*.parquet")

    def read_sql(self, dataset: str, table: str = "*") -> str:
        """A DuckDB table function reading a dataset (a table of it, or every table), its hive
        partition as a column. Raw files of an older contract read with NULL for what they lack
        (``union_by_name``); quarantine and audit files all have one layout, and are read without
        it, so a filter on their partition skips the other folders' files unopened."""
        by_name = ", union_by_name = true" if dataset == "raw" else ""
        return f"read_parquet({quote_literal(self.glob(dataset, table))}, hive_partitioning = true{by_name})"

    # -- file operations: local or fsspec ------------------------------------------------------
    def _exists(self, path: str) -> bool:
        return os.path.exists(path) if self.local else self.fs.exists(path)

    def _rename(self, src: str, dst: str) -> None:
        if self.local:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.replace(src, dst)
        else:
            self.fs.mv(src, dst)

    def _remove(self, path: str) -> None:
        try:
            os.unlink(path) if self.local else self.fs.rm(path)
        except FileNotFoundError:
            pass

    def _list(self, pattern: str) -> list[str]:
        if self.local:
            import glob

            return sorted(glob.glob(pattern, include_hidden=True))
        protocol = self.root.split("://", 1)[0] + "://"
        return sorted(p if "://" in p else protocol + p for p in self.fs.glob(pattern))

    def _write_text(self, path: str, text: str) -> None:
        """Write ``text`` to ``path`` whole: a temporary name, fsynced, then renamed."""
        tmp = _tmp_name(path)
        if self.local:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "w") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            _fsync_dir(os.path.dirname(path))
        else:
            with self.fs.open(tmp, "w") as out:
                out.write(text)
            self.fs.mv(tmp, path)

    # -- writing -------------------------------------------------------------------------------
    def new_file(self, final: str) -> tuple[str, Put]:
        """Where DuckDB writes a file that becomes ``final`` at commit: (local path, Put).

        A local lake writes beside the final name (one filesystem, so the rename is atomic); an
        object store's file is written in the scratch folder and uploaded by ``stage``."""
        if self.local:
            os.makedirs(os.path.dirname(final), exist_ok=True)
            tmp = _tmp_name(final)
            return tmp, Put(tmp, final)
        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        local = str(self.scratch_dir / f"{uuid.uuid4().hex}.parquet")
        return local, Put(local, final)

    def stage(self, put: Put) -> Put:
        """Make a written file durable under its temporary name in the lake (fsync, or upload)."""
        if self.local:
            fd = os.open(put.tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            return put
        remote = _tmp_name(put.final)
        self.fs.put_file(put.tmp, remote)
        os.unlink(put.tmp)
        return Put(remote, put.final)

    def commit(self, table: str, puts: Sequence[Put], deletes: Sequence[str] = ()) -> None:
        """Make ``puts`` visible and ``deletes`` gone, all or nothing (see the module docstring).
        The caller holds the table's lock and has staged every put."""
        if self.local:
            for folder in {os.path.dirname(p.final) for p in puts}:
                _fsync_dir(folder)
        journal = self.path("_journal", table, f"{uuid.uuid4().hex}.json")
        self._write_text(journal, json.dumps(
            {"puts": [[p.tmp, p.final] for p in puts], "deletes": list(deletes)}))
        self._replay(journal)

    def _replay(self, journal: str) -> None:
        if self.local:
            with open(journal) as f:
                plan = json.load(f)
        else:
            with self.fs.open(journal, "r") as f:
                plan = json.load(f)
        for tmp, final in plan["puts"]:
            if self._exists(tmp):  # else: renamed before a crash
                self._rename(tmp, final)
        for path in plan["deletes"]:
            self._remove(path)
        if self.local:
            for folder in {os.path.dirname(final) for _, final in plan["puts"]} | {
                    os.path.dirname(p) for p in plan["deletes"]}:
                if os.path.isdir(folder):
                    _fsync_dir(folder)
        self._remove(journal)

    def recover(self, table: str) -> int:
        """Finish the commits a killed landing of ``table`` journaled, and delete the temporary
        files a landing killed before its journal left. The caller holds the table's lock, so
        no live landing of the table owns any of them. Returns the commits finished."""
        journals = self._list(self.path("_journal", table, "*.json"))
        for journal in journals:
            self._replay(journal)
        for dataset in PARTITION_KEY:
            for tmp in self._list(self.path(dataset, table, "*", ".*.tmp")):
                self._remove(tmp)
            for folder in self._list(self.path(dataset, table, ".batches-*.tmp")):  # write_batches
                if self.local:
                    shutil.rmtree(folder, ignore_errors=True)
                else:
                    self.fs.rm(folder, recursive=True)
        return len(journals)

    def recover_pending(self, tables: Sequence[str]) -> int:
        """Finish every journaled commit a killed landing left, of any of ``tables`` (the build
        calls this before dbt reads the lake). A table with no journal is not locked, so a landing
        in progress never makes the build wait. Returns the commits finished."""
        finished = 0
        for table in tables:
            if self._list(self.path("_journal", table, "*.json")):
                with self.lock(table):
                    finished += self.recover(table)
        return finished

    @contextmanager
    def lock(self, table: str) -> Iterator[None]:
        """The table's landing lock: exclusive, waits, released by the kernel if the holder dies."""
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        with open(self.locks_dir / f"lake-{table}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- what is there ---------------------------------------------------------------------------
    def batch_files(self, dataset: str, table: str, batch_id: str) -> list[str]:
        """The files of a batch in ``dataset`` (raw or quarantine), whatever day they are under."""
        return self._list(self.path(dataset, table, f"{PARTITION_KEY[dataset]}=*", f"{batch_id}.parquet"))

    def ensure_contract(self, con: duckdb.DuckDBPyConnection, dataset: str, table: str,
                        columns: Sequence[tuple[str, str]]) -> bool:
        """Write the dataset table's contract file (no rows, every column) unless it is current.
        True when it was (re)written. Checked once per process (a landing process lands many batches)."""
        seen = (dataset, table, tuple(columns))
        if seen in self._contracts:
            return False
        final = self.batch_path(dataset, table, CONTRACT_DAY, CONTRACT_FILE.removesuffix(".parquet"))
        if self._exists(final):
            current = con.execute(f"DESCRIBE SELECT * FROM read_parquet({quote_literal(final)}, "
                                  "hive_partitioning = false)").fetchall()
            if [(c[0], c[1]) for c in current] == [(name, typ) for name, typ in columns]:
                self._contracts.add(seen)
                return False
        legacy = self.batch_path(dataset, table, CONTRACT_DAY, LEGACY_CONTRACT_FILE.removesuffix(".parquet"))
        with self.lock(table):
            local, put = self.new_file(final)
            con.execute(f"COPY ({empty_select(columns)}) TO {quote_literal(local)} (FORMAT parquet)")
            self.commit(table, [self.stage(put)], deletes=[legacy] if self._exists(legacy) else [])
        self._contracts.add(seen)
        return True

    def write_batches(self, con: duckdb.DuckDBPyConnection, dataset: str, table: str, select: str) -> int:
        """The rows of ``select`` (a dataset's columns plus ``batch``, the file name, and ``day``,
        its partition) as one file per (day, batch), committed together; returns the files.

        For rows already checked: moving a writer's raw tables into the lake, and the benchmarks'
        generated history. One statement writes every file (DuckDB's ``PARTITION_BY``)."""
        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        staging = self.scratch_dir / f"batches-{uuid.uuid4().hex}" if not self.local else \
            Path(self.path(dataset, table, f".batches-{uuid.uuid4().hex}.tmp"))
        staging.parent.mkdir(parents=True, exist_ok=True)
        with self.lock(table):
            con.execute(f"COPY ({select}) TO {quote_literal(str(staging))} "
                        "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day, batch))")
            puts = []
            for written in sorted(staging.glob("day=*/batch=*/*.parquet")):
                day = written.parent.parent.name.removeprefix("day=")
                batch = written.parent.name.removeprefix("batch=")
                final = self.batch_path(dataset, table, day, batch)
                if self.local:
                    os.makedirs(os.path.dirname(final), exist_ok=True)
                puts.append(self.stage(Put(str(written), final)))
            self.commit(table, puts)
            shutil.rmtree(staging, ignore_errors=True)
        return len(puts)

    def register(self, con: duckdb.DuckDBPyConnection) -> None:
        """Let ``con`` read an object-store lake through fsspec (a local lake needs nothing)."""
        if not self.local and not con.filesystem_is_registered(self.fs.protocol
                                                               if isinstance(self.fs.protocol, str)
                                                               else self.fs.protocol[0]):
            con.register_filesystem(self.fs)


def _tmp_name(final: str) -> str:
    folder, name = final.rsplit("/", 1)
    return f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
