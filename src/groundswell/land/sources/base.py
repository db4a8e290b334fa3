"""Raw contracts: what a source's records must hold, checked in DuckDB SQL.

A source reads its files as one relation of records and projects typed columns
out of each record; a record that misses a required field, carries a value of
the wrong type or could not be parsed at all goes to quarantine with the first
reason found, and the fields the contract does not know are kept in
``_extras``.  All of this is one SQL statement per file (per batch for API
pages), so landing millions of records never loops in Python and never holds a
file in Python memory: DuckDB streams it.

Three file formats cover what sources send:

- ``api_pages``: one JSON API response page per file, ``{"data": [record, ...], ...}``;
- ``jsonl``: one JSON object per line (webhook and connector drops, large exports);
- ``csv``: an export with a header row.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

# The three departments that share social's costs and value (DOMAIN.md, question 1).
DEPARTMENTS = ("marketing", "sales", "service")

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_extras", "JSON"),
    ("_batch_id", "VARCHAR"),
    ("_source_file", "VARCHAR"),
    ("_record_no", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)

# Timestamp layouts that DuckDB's cast does not read, tried in order after it.
TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",  # Crowdflower/Kaggle exports: 2015-02-24 11:35:52 -0800
    "%a %b %d %H:%M:%S %z %Y",  # Twitter v1.1 created_at: Tue Oct 31 22:10:47 +0000 2017
)

# Files read by one statement, at most: enough for every thread to have work, few enough that the
# numbered records of one statement stay well inside DuckDB's memory limit.
CHUNK_BYTES = 256 << 20

# A record may be stamped a little ahead of the landing clock (clock skew); more is an error.
FUTURE_TOLERANCE = "INTERVAL 1 HOUR"

NUMERIC_TYPES = ("BIGINT", "INTEGER", "DOUBLE", "DECIMAL")
INTEGER_TYPES = ("BIGINT", "INTEGER")
# Where a brand field's values are checked (the dbt seed every model reads brands from).
BRAND_CONFIGURATION = "dbt/seeds/brands.csv"


@dataclass(frozen=True)
class Bounds:
    """What a record's values are judged against when it lands.

    ``now``: the landing clock (no event time lies after it). ``not_before``: the earliest date
    any record may carry (a setting; a source whose platform launched later uses its launch).
    ``brands``: the brand configuration's brands, in their canonical spelling. ``topics``: the
    complaint topics configured. ``read_raw``: a landed raw table (without the schema) as a
    relation, for a source whose records name records of others (``Source.record_checks``).
    """

    now: datetime
    not_before: date
    brands: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    read_raw: Callable[[str], str] | None = None

    @property
    def now_sql(self) -> str:
        return f"TIMESTAMP '{self.now.isoformat(sep=' ')}'"


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_list_sql(files: Sequence[Path]) -> str:
    return "[" + ", ".join(quote_literal(str(f)) for f in files) + "]"


@dataclass(frozen=True)
class CheckedQuery:
    """One query of a batch's checked records (see :meth:`Source.checked_queries`)."""

    sql: str
    # DuckDB's CSV reader may set lines aside (in ``_rejects_errors``): None when it is not used,
    # else the file they belong to, or "" for the file the reader names (``_rejects_scans``).
    rejects_of: str | None
    # Counts the records ``sql`` yields, cheaply (no parsing); None: not known in advance.
    count_sql: str | None
    prepare: str | None = None  # run before ``sql`` (it reads the file, so it sets lines aside)
    # run after ``prepare`` when the reader set lines aside, to number the lines after them right
    renumber: str | None = None
    header_lines: int = 0  # lines before the first record (a set-aside line's record is line - this)
    cleanup: str | None = None  # run after the file is landed


@dataclass(frozen=True)
class Field:
    """One typed column of a raw table.

    JSON sources: ``path`` is a dotted JSON path into the record (default
    ``$.<name>``).  CSV sources: ``column`` is the header name (default
    ``name``).  ``sql`` replaces either with an expression (over ``payload``,
    the record as JSON, or ``t``, the CSV row) when the value needs digging out
    of a list or cleaning.  The text found is cast with ``try_cast`` to
    ``type``; TIMESTAMP values are converted to UTC from whatever offset they
    carry, and taken as UTC when they carry none.
    """

    name: str
    type: str
    path: str | None = None
    column: str | tuple[str, ...] | None = None  # CSV header; a tuple lists accepted spellings
    sql: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()  # allowed values: matched case-insensitively, stored as spelled here
    brand: bool = False  # a brand's name: one of the brand configuration's brands (Bounds.brands)
    # A time: later than the landing clock is an error (False for a time that may lie ahead).
    not_future: bool = True
    signed: bool = False  # a number that may be negative (counts, money and durations may not)
    pattern: str | None = None  # a regular expression the text must match in full
    keys: tuple[str, ...] = ()  # top-level JSON keys an ``sql`` expression consumes
    doc: str = ""

    @property
    def json_path(self) -> tuple[str, ...]:
        path = self.path or f"$.{self.name}"
        if not path.startswith("$."):
            raise ValueError(f"{self.name}: JSON paths are dotted from $, got {path}")
        return tuple(path[2:].split("."))

    @property
    def spellings(self) -> tuple[str, ...]:
        """CSV header names the field is read from, the preferred first."""
        return self.column if isinstance(self.column, tuple) else (self.column or self.name,)

    @property
    def text_column(self) -> str:
        return quote_ident(f"{self.name}__text")

    @property
    def is_time(self) -> bool:
        return self.type in ("TIMESTAMP", "DATE")

    @property
    def is_number(self) -> bool:
        return self.type.startswith(NUMERIC_TYPES)

    def typed_sql(self, text: str, brands: Sequence[str] = ()) -> str:
        allowed = brands if self.brand else self.choices
        if allowed:  # the canonical spelling of an allowed value, NULL for any other
            cases = " ".join(f"WHEN {quote_literal(c.lower())} THEN {quote_literal(c)}" for c in allowed)
            return f"(CASE lower(trim({text})) {cases} END)"
        if self.type == "TIMESTAMP":
            formats = "[" + ", ".join(quote_literal(f) for f in TIMESTAMP_FORMATS) + "]"
            return (f"(coalesce(try_cast({text} AS TIMESTAMPTZ), try_strptime({text}, {formats})) "
                    "AT TIME ZONE 'UTC')")
        if self.type == "VARCHAR":
            return text
        if self.type == "BOOLEAN":
            # Exports write booleans every way: true/True/TRUE/1/yes.
            return (f"(CASE lower({text}) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'yes' THEN true "
                    "WHEN 'false' THEN false WHEN '0' THEN false WHEN 'no' THEN false END)")
        return f"try_cast({text} AS {self.type})"


@dataclass(frozen=True)
class Source:
    """A landable source: where its files drop, how they are read, its contract."""

    key: str  # name on the command line: `groundswell load KEY PATH...`
    family: str  # source family; one Airflow Asset per family
    entity: str
    description: str
    shape: str  # the real API or export shape the files follow
    file_pattern: str  # glob for files inside a drop folder
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...]
    format: str  # "api_pages", "jsonl" or "csv"
    enrich: Callable[[str], str] | None = None  # api_pages: fold page-level data into records
    records_path: str = "$.data"  # api_pages: where a page keeps its records
    csv_options: str = ""  # extra read_csv options, e.g. "new_line = '\\n'"
    ignore_columns: tuple[str, ...] = ()  # CSV columns that carry nothing (a pandas index)
    # Text fields may hold a bare CR, which DuckDB's CSV reader takes for a line end.
    csv_bare_cr: bool = False
    # Of several records with one key in a batch, the first by this order lands (then by position).
    keep_first_by: str = ""
    freshness_hours: int | None = 36  # None: a one-off import, never stale
    # The platform's launch (ISO date): a record dated earlier is refused (Bounds.not_before
    # applies when it is later, and to sources without a launch).
    launched: str | None = None
    extra_doc: str = ""
    example: str = ""  # a minimal valid file for docs/sources.md (else built from the contract)
    example_name: str = ""  # the example's file name, where the name carries data
    # Checks across fields or against other tables: ``WHEN <condition> THEN <reason>`` clauses over
    # the typed fields, made after every field's own checks.
    record_checks: Callable[[Bounds], Sequence[str]] | None = None

    def __post_init__(self) -> None:
        if self.format not in ("api_pages", "jsonl", "csv"):
            raise ValueError(f"{self.key}: unknown format {self.format}")

    @property
    def table(self) -> str:
        return f"{self.family}__{self.entity}"

    @property
    def qualified_table(self) -> str:
        return f"raw.{self.table}"

    @property
    def drop_dir(self) -> str:
        """Folder under ``$GROUNDSWELL_HOME/landing`` where dated partitions arrive."""
        return f"{self.family}/{self.entity}"

    def columns(self) -> list[tuple[str, str]]:
        """The raw table's columns: the contract's fields, then lineage."""
        return [(f.name, f.type) for f in self.fields] + list(LINEAGE_COLUMNS)

    def ddl(self) -> str:
        cols = [f"{quote_ident(name)} {typ}" for name, typ in self.columns()]
        return f"CREATE TABLE IF NOT EXISTS {self.qualified_table} (\n  " + ",\n  ".join(cols) + "\n)"

    # -- reading ------------------------------------------------------------------------------
    def checked_queries(self, files: Sequence[Path], bounds: Bounds) -> Iterator[CheckedQuery]:
        """Queries whose union is every record of ``files``, typed and checked.

        Columns: the contract's fields, ``_source_file``, ``_record_no``,
        ``_extras``, ``_reject_reason`` (NULL for a good record),
        ``_payload`` (the original record, for rejected records only) and
        ``_payload_encoding`` (``utf-8``, or ``base64`` for bytes that are not UTF-8).
        ``bounds``: what values are judged against (the landing clock, the earliest date, brands).
        """
        if self.format == "api_pages":
            # Pages are small and their records cannot be counted without parsing them:
            # check them once into a temp table, then land from it.
            checked = self._checked(self._api_pages_records(files), bounds)
            yield CheckedQuery("SELECT * FROM _api_checked", None, "SELECT count(*) FROM _api_checked",
                               prepare=f"CREATE OR REPLACE TEMP TABLE _api_checked AS {checked}",
                               cleanup="DROP TABLE _api_checked")
            return
        if self.format == "jsonl":
            checked = self._checked(self._jsonl_records(), bounds)
            for chunk in _chunks(files):
                yield CheckedQuery(checked, "", "SELECT count(line) FROM _lines",
                                   prepare=self._jsonl_lines(chunk),
                                   renumber=_renumber("_lines", "_line_offsets", header_lines=0),
                                   cleanup="DROP TABLE _lines; DROP TABLE _line_offsets")
            return
        yield from self._csv_queries(files, bounds)

    def _json_texts(self) -> tuple[str, str, str]:
        """(parse-once struct expression, per-field texts, extras) for JSON records."""
        structure: dict = {}
        for f in self.fields:
            if f.sql is None:
                node = structure
                *parents, leaf = f.json_path
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = "JSON" if f.type == "JSON" else "VARCHAR"
        doc = f"json_transform(payload, {quote_literal(json.dumps(structure))})"
        texts = []
        for f in self.fields:
            if f.sql is not None:
                texts.append(f"({f.sql}) AS {f.text_column}")
            else:
                access = "doc." + ".".join(quote_ident(p) for p in f.json_path)
                texts.append(f"{access}::VARCHAR AS {f.text_column}")
        known = sorted({f.json_path[0] for f in self.fields if f.sql is None}
                       | {k for f in self.fields for k in f.keys})
        # Merge-patching a key with null removes it: what is left is what the contract lacks.
        patch = quote_literal(json.dumps(dict.fromkeys(known)))
        # Most records carry only known keys: listing the keys is cheaper than patching.
        known_list = "[" + ", ".join(quote_literal(k) for k in known) + "]"
        extras = (f"CASE WHEN list_has_all({known_list}, json_keys(payload)) THEN NULL "
                  f"ELSE nullif(json_merge_patch(payload, {patch}), '{{}}'::JSON) END")
        return doc, ",\n    ".join(texts), extras

    def _api_pages_records(self, files: Sequence[Path]) -> str:
        doc, texts, extras = self._json_texts()
        records = self.enrich("records") if self.enrich else "SELECT * FROM records"
        return f"""
  WITH pages AS (
    -- read as bytes: a page that is not UTF-8 is quarantined, not a failed batch
    SELECT filename AS _source_file, try(decode(content)) AS content, content AS bytes
    FROM read_blob({file_list_sql(files)})
  ),
  checked_pages AS (
    SELECT _source_file, content, bytes,
           CASE WHEN content IS NULL THEN 'file is not valid UTF-8'
                WHEN NOT json_valid(content) THEN 'file is not valid JSON'
                WHEN json_type(content::JSON, {quote_literal(self.records_path)}) IS DISTINCT FROM 'ARRAY'
                  THEN {quote_literal(self._no_records_reason)}
                END AS error
    FROM pages
  ),
  good AS (
    -- doc stays NULL for a bad page, so no JSON function ever sees it
    SELECT _source_file, content::JSON AS doc,
           from_json(json_extract(content, {quote_literal(self.records_path)}), '["JSON"]') AS recs
    FROM checked_pages WHERE error IS NULL
  ),
  records AS (
    SELECT _source_file, u.i AS _record_no, u.r AS payload
    FROM good, unnest(recs) WITH ORDINALITY AS u(r, i)
  ),
  enriched AS ({records}),
  parsed AS (
    SELECT _source_file, _record_no, payload,
           CASE WHEN json_type(payload) <> 'OBJECT' THEN 'record is not a JSON object' END
             AS _parse_error
    FROM enriched
  ),
  with_doc AS (
    SELECT *, CASE WHEN _parse_error IS NULL THEN {doc} END AS doc FROM parsed
  )
  SELECT _source_file, _record_no, false AS _skip, _parse_error, payload::VARCHAR AS _raw,
    {texts},
    CASE WHEN _parse_error IS NULL THEN {extras} END AS _extras, NULL AS _encoding
  FROM with_doc
  UNION ALL
  -- a page that is not UTF-8 is kept as its bytes, in base64
  SELECT _source_file, 0, false, error, coalesce(content, to_base64(bytes)),
    {self._null_texts()}, NULL, CASE WHEN content IS NULL THEN 'base64' END
  FROM checked_pages WHERE error IS NOT NULL
"""

    @property
    def _no_records_reason(self) -> str:
        return f"file has no {self.records_path[2:]!r} array: not an API response page"

    def _null_texts(self) -> str:
        return ", ".join(f"NULL::VARCHAR AS {f.text_column}" for f in self.fields)

    def _jsonl_lines(self, files: Sequence[Path], header: bool = False) -> str:
        """Number the lines of JSON lines files into the temp table ``_lines``.

        Numbering is sequential, so it is done once, on the bare lines, for
        all files in order (``_n``); ``_line_offsets`` turns that into each
        file's own line numbers.  The parsing and checking that follow read
        the temp table in parallel.
        """
        return f"""
  CREATE OR REPLACE TEMP TABLE _lines AS
  -- One column that no JSON text can split: control characters are escaped in JSON.
  -- A line the reader sets aside (not UTF-8) still comes through, as NULL, so numbers hold.
  SELECT row_number() OVER () AS _n, filename AS _source_file, line
  FROM read_csv({file_list_sql(files)}, columns = {{'line': 'VARCHAR'}}, header = {str(header).lower()},
                delim = '\\x1f', quote = '', escape = '', new_line = '\\n', auto_detect = false,
                strict_mode = false, filename = true, store_rejects = true,
                rejects_table = '_rejects_errors', rejects_scan = '_rejects_scans');
  CREATE OR REPLACE TEMP TABLE _line_offsets AS
  SELECT _source_file, min(_n) - 1 AS _offset FROM _lines GROUP BY ALL;
"""

    def _jsonl_records(self) -> str:
        """The records of ``_lines``."""
        doc, texts, extras = self._json_texts()
        # Each line is parsed once (json_transform); try() makes a broken line NULL, not an error.
        doc = "try(" + doc.replace("(payload,", "(line,", 1) + ")"
        return f"""
  WITH with_doc AS (
    SELECT _source_file, _n - _offset AS _record_no, line, line AS payload, {doc} AS doc
    FROM _lines JOIN _line_offsets USING (_source_file)
    WHERE line IS NOT NULL  -- the reader gives an empty line as NULL: not a record
  ),
  parsed AS (
    SELECT *,
           CASE WHEN doc IS NULL THEN 'line is not valid JSON'
                WHEN NOT starts_with(ltrim(line), '{{') THEN 'line is not a JSON object' END
             AS _parse_error
    FROM with_doc
  )
  SELECT _source_file, _record_no, false AS _skip, _parse_error,
    line AS _raw,
    {texts},
    CASE WHEN _parse_error IS NULL THEN {extras} END AS _extras, NULL AS _encoding
  FROM parsed
"""

    def _csv_queries(self, files: Sequence[Path], bounds: Bounds) -> Iterator[CheckedQuery]:
        """CSV files with the same header are read together, in chunks; each odd file alone."""
        group: list[Path] = []
        group_header: list[str] | None = None
        for path in files:
            try:
                header = _csv_header(path)
            except (UnicodeDecodeError, csv.Error) as exc:
                reason = ("file is not valid UTF-8 (header row)" if isinstance(exc, UnicodeDecodeError)
                          else f"file is not a readable CSV: {exc}")
                unreadable = self._checked(self._unreadable(path, reason), bounds)
                yield CheckedQuery(unreadable, None, "SELECT 1")
                continue
            if header is None:  # an empty file: nothing to land
                continue
            problem = self._header_problem(header)
            if problem:
                yield self._lines_refused(path, problem, bounds)
                continue
            if self.csv_bare_cr:
                with _bare_cr_escaped(path) as readable:
                    yield self._csv_query({readable: path}, header, bounds)
                continue
            if group and header != group_header:
                yield from (self._csv_query({f: f for f in chunk}, group_header, bounds)
                            for chunk in _chunks(group))
                group = []
            group.append(path)
            group_header = header
        if group:
            yield from (self._csv_query({f: f for f in chunk}, group_header, bounds)
                        for chunk in _chunks(group))

    def _csv_query(self, files: dict[Path, Path], header: list[str], bounds: Bounds) -> CheckedQuery:
        """Checked records of CSV files sharing ``header`` (``files``: file read -> file named).

        Rows are numbered first, on the bare read (``_rows``): numbering is
        sequential, the typing and checking that follow run in parallel.
        """
        # Every column is declared as text from the header read here, so DuckDB's sniffer never
        # guesses (it gives up on a file cut off inside a quoted field) and types are the contract's.
        columns = "{" + ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in header) + "}"
        options = (f"header = true, columns = {columns}, auto_detect = false, delim = ',', quote = '\"', "
                   "escape = '\"'" + (", " + self.csv_options if self.csv_options else ""))
        read = file_list_sql(list(files))
        renamed = [f"WHEN {quote_literal(str(r))} THEN {quote_literal(str(n))}"
                   for r, n in files.items() if r != n]
        named = f"CASE filename {' '.join(renamed)} END" if renamed else "filename"
        prepare = f"""
  CREATE OR REPLACE TEMP TABLE _rows AS
  SELECT row_number() OVER () AS _n, {named} AS _source_file, COLUMNS(* EXCLUDE (filename))
  FROM read_csv({read}, {options}, filename = true, store_rejects = true,
                rejects_table = '_rejects_errors', rejects_scan = '_rejects_scans');
  CREATE OR REPLACE TEMP TABLE _row_offsets AS
  SELECT _source_file, min(_n) - 1 AS _offset FROM _rows GROUP BY ALL;
"""
        escaped = any(r != n for r, n in files.items())
        header_set = set(header)
        texts = []
        used = set(self.ignore_columns)
        for f in self.fields:
            column = next((c for c in f.spellings if c in header_set), None)
            if f.sql is not None and set(f.keys) <= header_set:
                texts.append(f"({f.sql}) AS {f.text_column}")
                used.update(f.keys)
            elif f.sql is None and column is not None:
                value = f"t.{quote_ident(column)}"
                if escaped:  # carriage returns escaped by _bare_cr_escaped come back
                    value = f"replace({value}, chr(30), chr(13))"
                texts.append(f"{value} AS {f.text_column}")
                used.add(column)
            else:  # a missing column: required fields quarantine, optional ones stay NULL
                texts.append(f"NULL::VARCHAR AS {f.text_column}")
        unknown = [c for c in header if c not in used]
        if unknown:
            packed = ", ".join(f"{quote_literal(c)}: t.{quote_ident(c)}" for c in unknown)
            extras = f"nullif(json_merge_patch('{{}}', to_json({{{packed}}})), '{{}}'::JSON)"
        else:
            extras = "NULL::JSON"
        # The row travels as a struct and becomes JSON text only if it is rejected.
        row = "{" + ", ".join(f"{quote_literal(c)}: t.{quote_ident(c)}" for c in header) + "}"
        records = f"""
  SELECT t._source_file, t._n - o._offset AS _record_no, false AS _skip,
    NULL::VARCHAR AS _parse_error, {row} AS _raw,
    {", ".join(texts)},
    {extras} AS _extras, NULL AS _encoding
  FROM _rows t JOIN _row_offsets o USING (_source_file)
"""
        # Set-aside lines name the file read: a temporary copy is named by its original.
        rejects_of = str(next(iter(files.values()))) if escaped else ""
        # A temporary copy's name is not the one numbered: its records are numbered as read.
        renumber = None if escaped else _renumber("_rows", "_row_offsets", header_lines=1)
        return CheckedQuery(self._checked(records, bounds, "to_json(_raw)::VARCHAR"), rejects_of,
                            "SELECT count(*) FROM _rows", prepare=prepare, renumber=renumber, header_lines=1,
                            cleanup="DROP TABLE _rows; DROP TABLE _row_offsets")

    def _header_problem(self, header: list[str]) -> str | None:
        """Why a CSV header is not this source's (None when it is): a wrong delimiter, or other
        columns altogether. A header with some of the columns is read; rows lacking a required
        one are refused one by one."""
        known = {c for f in self.fields for c in (f.keys if f.sql is not None else f.spellings)}
        if known & set(header):
            return None
        expected = ", ".join(f.spellings[0] for f in self.fields if f.required and f.sql is None)
        found = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
        if len(header) == 1:
            for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
                if delimiter in header[0]:
                    return (f"header problem: the header is one column {header[0][:120]!r}, so the file "
                            f"looks {name}-separated; {self.key} files are comma-separated with the "
                            f"columns {expected}: export with commas and land the file again")
        return (f"header problem: the header names none of {self.key}'s columns (found {found}; "
                f"expected {expected}): is this the right file for {self.key}?")

    def _lines_refused(self, path: Path, reason: str, bounds: Bounds) -> CheckedQuery:
        """Every line after the header of a file whose header is wrong, refused with ``reason``."""
        records = f"""
  SELECT _source_file, _n - _offset AS _record_no, false AS _skip, {quote_literal(reason)} AS _parse_error,
    line AS _raw, {self._null_texts()}, NULL::JSON AS _extras, NULL AS _encoding
  FROM _lines JOIN _line_offsets USING (_source_file)
  WHERE line IS NOT NULL
"""
        return CheckedQuery(self._checked(records, bounds), "", "SELECT count(line) FROM _lines",
                            prepare=self._jsonl_lines([path], header=True),
                            renumber=_renumber("_lines", "_line_offsets", header_lines=1), header_lines=1,
                            cleanup="DROP TABLE _lines; DROP TABLE _line_offsets")

    def _unreadable(self, path: Path, reason: str) -> str:
        """The whole file as one rejected record, so an unreadable file is kept, not lost."""
        return f"""
  SELECT {quote_literal(str(path))} AS _source_file, 0::BIGINT AS _record_no, false AS _skip,
    {quote_literal(reason)} AS _parse_error,
    coalesce(try(decode(content)), to_base64(content)) AS _raw,
    {self._null_texts()}, NULL::JSON AS _extras,
    CASE WHEN try(decode(content)) IS NULL THEN 'base64' END AS _encoding
  FROM read_blob({quote_literal(str(path))})
"""

    def floor(self, bounds: Bounds) -> date:
        """The earliest date a record of this source may carry."""
        launched = date.fromisoformat(self.launched) if self.launched else bounds.not_before
        return max(launched, bounds.not_before)

    def _checked(self, records: str, bounds: Bounds, raw_text: str = "_raw") -> str:
        """The value contract (docs/sources.md): the first broken rule is the record's reason."""
        typed = ",\n  ".join(f"{f.typed_sql(f.text_column, bounds.brands)} AS {quote_ident(f.name)}"
                             for f in self.fields)
        checks = ["WHEN _parse_error IS NOT NULL THEN _parse_error"]
        floor = self.floor(bounds)
        for f in self.fields:
            name, text = quote_ident(f.name), f.text_column
            shown = f"left({text}, 200)"
            if f.required:  # blank is missing: a key of spaces names nothing
                checks.append(f"WHEN {text} IS NULL OR trim({text}) = '' THEN "
                              f"{quote_literal('missing required field ' + f.name)}")
            if f.brand and bounds.brands:
                remedy = (f" is not a brand of {BRAND_CONFIGURATION}: add it there, or correct the file, "
                          "then land it again")
                checks.append(f"WHEN {text} IS NOT NULL AND {name} IS NULL THEN "
                              f"{quote_literal(f.name + ' ')} || {shown} || {quote_literal(remedy)}")
            if f.choices:
                reason = quote_literal(f"{f.name} is not one of {'/'.join(f.choices)}: ")
                checks.append(f"WHEN {text} IS NOT NULL AND {name} IS NULL THEN {reason} || {shown}")
            if self.format != "csv" and f.type == "VARCHAR" and f.sql is None:
                # json_transform gives an object or a list as its JSON text: a text field needs text.
                path = quote_literal("$." + ".".join(f.json_path))
                reason = quote_literal(f"{f.name} holds JSON, not text: ")
                checks.append(f"WHEN left({text}, 1) IN ('{{', '[') AND json_type({raw_text}, {path}) "
                              f"IN ('OBJECT', 'ARRAY') THEN {reason} || {shown}")
            checks.append(f"WHEN {text} IS NOT NULL AND {name} IS NULL THEN "
                          f"{quote_literal(f'invalid {f.type} in {f.name}: ')} || {shown}")
            if f.type in INTEGER_TYPES:  # a cast rounds 1.5 to 2: a count is a whole number or refused
                checks.append(f"WHEN (contains({text}, '.') OR contains(lower({text}), 'e')) AND "
                              f"try_cast({text} AS DOUBLE) <> {name} THEN "
                              f"{quote_literal(f'{f.name} is not a whole number: ')} || {shown}")
            if f.is_number and not f.signed:
                checks.append(f"WHEN {name} < 0 THEN {quote_literal(f'{f.name} is negative: ')} || {shown}")
            if f.pattern:
                checks.append(f"WHEN {text} IS NOT NULL AND NOT regexp_full_match("
                              f"{text}, {quote_literal(f.pattern)}) THEN "
                              f"{quote_literal(f'{f.name} does not match {f.pattern}: ')} || {shown}")
            if f.is_time:
                checks.append(f"WHEN {name} < DATE '{floor.isoformat()}' THEN "
                              f"{quote_literal(f'{f.name} is before {floor.isoformat()}, earlier than ')} || "
                              f"{quote_literal(self.key + ' can date a record: ')} || {name}::VARCHAR")
            if f.is_time and f.not_future:
                checks.append(f"WHEN {name} > {bounds.now_sql} + {FUTURE_TOLERANCE} THEN "
                              f"{quote_literal(f'{f.name} is in the future: ')} || {name}::VARCHAR")
        if self.record_checks is not None:
            checks.extend(self.record_checks(bounds))
        columns = ", ".join(quote_ident(f.name) for f in self.fields)
        return f"""
SELECT {columns}, _source_file, _record_no, _extras, _reject_reason, _payload, _payload_encoding
FROM (
  SELECT {columns}, _source_file, _record_no, _skip, _extras, _reject_reason,
         CASE WHEN _reject_reason IS NOT NULL THEN {raw_text} END AS _payload,
         CASE WHEN _reject_reason IS NOT NULL THEN coalesce(_encoding, 'utf-8') END AS _payload_encoding
  FROM (
    SELECT *, CASE {' '.join(checks)} END AS _reject_reason
    FROM (SELECT *, {typed} FROM ({records}))
  )
)
WHERE NOT _skip
"""


def _renumber(table: str, offsets: str, header_lines: int) -> str:
    """Record numbers right after lines the reader set aside (bad bytes, a wrong column count).

    A set-aside line leaves no row in ``table``, so the rows after it would
    take its number.  The r-th remaining row of a file is its record
    r + #{j : P_j - j < r}, for its set-aside records at positions
    P_1 < P_2 < ... (line number less the header): ``before`` is P_j - j.
    """
    return f"""
  CREATE OR REPLACE TEMP TABLE _set_aside AS
  SELECT _source_file, before, max(j) AS skipped FROM (
    SELECT s.file_path AS _source_file, e.line - {header_lines} - row_number() OVER w AS before,
           row_number() OVER w AS j
    FROM (SELECT DISTINCT scan_id, file_id, line FROM _rejects_errors) e
    JOIN _rejects_scans s USING (scan_id, file_id)
    WINDOW w AS (PARTITION BY s.file_path ORDER BY e.line)
  ) GROUP BY ALL;
  CREATE OR REPLACE TEMP TABLE {table} AS
  SELECT l.* REPLACE (l._n + coalesce(k.skipped, 0) AS _n)
  FROM {table} l JOIN {offsets} o USING (_source_file)
  ASOF LEFT JOIN _set_aside k ON l._source_file = k._source_file AND l._n - o._offset > k.before;
  DROP TABLE _set_aside;
"""


def _chunks(files: Sequence[Path], limit: int = CHUNK_BYTES) -> Iterator[list[Path]]:
    """Consecutive files up to ``limit`` bytes together (a larger file alone)."""
    chunk: list[Path] = []
    size = 0
    for f in files:
        f_size = f.stat().st_size
        if chunk and size + f_size > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(f)
        size += f_size
    if chunk:
        yield chunk


def graph_insight(metric: str) -> str:
    """A lifetime insight of a Graph API object (Facebook post, Instagram media), picked by name.

    Insights arrive as ``insights.data``: ``[{"name", "period", "values": [{"value"}]}]``.
    """
    return (
        "list_filter(from_json(json_extract(payload, '$.insights.data'), "
        """'[{"name": "VARCHAR", "values": [{"value": "VARCHAR"}]}]'), """
        f"lambda i: i.name = {quote_literal(metric)})[1]['values'][1]['value']"
    )


def nested_records(child_path: str, inherit: dict[str, str]) -> Callable[[str], str]:
    """An ``enrich`` that makes each element of a child list its own record.

    Graph API edges nest (a post's ``comments.data``, a conversation's
    ``messages.data``): each child becomes a record, carrying the parent's
    values named in ``inherit`` (``{"post_id": "$.id"}``).  Records are
    numbered in page order, parent by parent.
    """

    def enrich(records: str) -> str:
        carried = ", ".join(f"{quote_literal(k)}, json_extract(p.payload, {quote_literal(v)})"
                            for k, v in inherit.items())
        return f"""
  SELECT p._source_file,
         row_number() OVER (PARTITION BY p._source_file ORDER BY p._record_no, c.i) AS _record_no,
         json_merge_patch(c.r, json_object({carried})) AS payload
  FROM {records} p,
       unnest(from_json(json_extract(p.payload, {quote_literal(child_path)}), '["JSON"]'))
         WITH ORDINALITY AS c(r, i)
"""

    return enrich


def rows_with_headers(records: str) -> str:
    """An ``enrich`` for report tables (``columnHeaders`` + positional ``rows``): rows become objects."""
    return f"""
  WITH headers AS (
    SELECT _source_file,
           from_json(json_extract(doc, '$.columnHeaders'), '[{{"name": "VARCHAR"}}]') AS h
    FROM good
  )
  SELECT r._source_file, r._record_no,
         to_json(map_from_entries(list_transform(range(len(h.h)), lambda i:
           {{'k': h.h[i + 1].name, 'v': json_extract(r.payload, '$[' || i || ']')}}))) AS payload
  FROM {records} r JOIN headers h USING (_source_file)
"""


@contextmanager
def _bare_cr_escaped(path: Path, chunk_bytes: int = 1 << 20) -> Iterator[Path]:
    """A temporary copy of a CSV file where only LF ends a line.

    CRLF line ends become LF and every other CR becomes the record separator
    control character (0x1E), which the reader turns back into CR.  The copy
    is streamed in chunks, so a file of any size takes constant memory.
    """
    fd, name = tempfile.mkstemp(prefix="groundswell-", suffix=".csv")
    try:
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            carry = b""
            while chunk := src.read(chunk_bytes):
                chunk = carry + chunk
                # A CR at the end of a chunk may be half of a CRLF: decide with the next chunk.
                carry = b"\r" if chunk.endswith(b"\r") else b""
                if carry:
                    chunk = chunk[:-1]
                dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\x1e"))
            dst.write(carry.replace(b"\r", b"\x1e"))
        yield Path(name)
    finally:
        os.unlink(name)


def _csv_header(path: Path) -> list[str] | None:
    """Column names of a CSV file's header row (None for an empty file).

    Unnamed columns (a pandas index) are called ``column<N>`` and repeated
    names get a ``_<N>`` suffix, as DuckDB's reader would name them.
    """
    with open(path, "rb") as f:
        first = f.readline()  # bytes: decoding only the header, not the chunk after it
    if not first.strip():
        return None
    row = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]))
    names: list[str] = []
    for i, name in enumerate(row):
        name = name.strip() or f"column{i}"
        while name in names:
            name = f"{name}_{i}"
        names.append(name)
    return names
