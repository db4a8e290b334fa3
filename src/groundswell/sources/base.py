"""Raw contracts: what a source's records must hold, checked in DuckDB SQL.

A source turns its files into one relation of records ``(_source_file,
_record_no, payload, _parse_error)`` where ``payload`` is the record as JSON
text.  Its contract then projects typed columns out of the payload; a record
that misses a required field, carries a value of the wrong type or could not
be parsed at all goes to quarantine with the first reason found.  All of this
is one SQL statement per batch, so landing a million records never loops in
Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# The three departments that share social's costs and value (DOMAIN.md, question 1).
DEPARTMENTS = ("marketing", "sales", "service")

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_batch_id", "VARCHAR"),
    ("_source_file", "VARCHAR"),
    ("_record_no", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def file_list_sql(files: Sequence[Path]) -> str:
    return "[" + ", ".join(quote_literal(str(f)) for f in files) + "]"


@dataclass(frozen=True)
class Field:
    """One typed column of a raw table.

    ``path`` is a JSON path into the payload; ``sql`` replaces it with an
    expression over ``payload`` (a JSON value) when the value needs digging out
    of a list.  The text found is cast with ``try_cast`` to ``type``:
    TIMESTAMP values are converted to UTC from whatever offset they carry.
    """

    name: str
    type: str
    path: str | None = None
    sql: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()  # allowed values, compared case-insensitively
    doc: str = ""

    def text_sql(self) -> str:
        if self.sql is not None:
            return f"({self.sql})"
        path = self.path or f"$.{self.name}"
        return f"json_extract_string(payload, {quote_literal(path)})"

    @property
    def text_column(self) -> str:
        return f'"{self.name}__text"'

    def typed_sql(self, text: str) -> str:
        if self.type == "TIMESTAMP":
            # Offsets like +0000 or Z are honoured; stored as naive UTC (the session runs in UTC).
            return f"(try_cast({text} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
        if self.type == "VARCHAR":
            return text
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
    format: str  # "api_pages" (JSON API response pages) or "csv" (export with header)
    enrich: Callable[[str], str] | None = None  # api_pages: fold page-level data into records
    freshness_hours: int = 36
    extra_doc: str = ""
    examples: tuple[str, ...] = field(default=())

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

    def load_records(self, con, files: Sequence[Path], into: str) -> None:
        """Create the temporary records table ``into`` from ``files``."""
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {into} (_source_file VARCHAR, _record_no BIGINT, "
            "payload JSON, _parse_error VARCHAR, _raw_text VARCHAR)"
        )
        if self.format == "csv":
            load_csv_records(con, files, into)
        else:
            con.execute(f"INSERT INTO {into} {api_pages_sql(files, self.enrich)}")

    def ddl(self) -> str:
        cols = [f'"{f.name}" {f.type}' for f in self.fields]
        cols += [f"{name} {typ}" for name, typ in LINEAGE_COLUMNS]
        return f"CREATE TABLE IF NOT EXISTS {self.qualified_table} (\n  " + ",\n  ".join(cols) + "\n)"

    def checked_sql(self, records: str) -> str:
        """Every record of the table ``records`` typed, and for bad ones ``_reject_reason``."""
        texts = ",\n  ".join(f'{f.text_sql()} AS "{f.name}__text"' for f in self.fields)
        typed = ",\n  ".join(f'{f.typed_sql(f.text_column)} AS "{f.name}"' for f in self.fields)
        checks = ["WHEN _parse_error IS NOT NULL THEN _parse_error"]
        for f in self.fields:
            if f.required:
                checks.append(
                    f"WHEN {f.text_column} IS NULL THEN "
                    f"{quote_literal('missing required field ' + f.name)}"
                )
            checks.append(
                f'WHEN {f.text_column} IS NOT NULL AND "{f.name}" IS NULL THEN '
                f"{quote_literal(f'invalid {f.type} in {f.name}: ')} || CAST({f.text_column} AS VARCHAR)"
            )
            if f.choices:
                allowed = ", ".join(quote_literal(c) for c in f.choices)
                reason = quote_literal(f"{f.name} is not one of {'/'.join(f.choices)}: ")
                checks.append(
                    f"WHEN {f.text_column} IS NOT NULL AND lower({f.text_column}) NOT IN ({allowed}) "
                    f"THEN {reason} || {f.text_column}"
                )
        return f"""
WITH texts AS (
  SELECT _source_file, _record_no, payload, _parse_error, _raw_text,
  {texts}
  FROM {records}
),
typed AS (
  SELECT *,
  {typed}
  FROM texts
)
SELECT *, CASE {' '.join(checks)} END AS _reject_reason
FROM typed
"""


def api_pages_sql(files: Sequence[Path], enrich: Callable[[str], str] | None = None) -> str:
    """Records of JSON API response pages (`{"data": [...], ...}`), one page per file.

    ``enrich``, given the name of the CTE ``records(_source_file, _record_no,
    payload)``, returns a query of the same columns: a source uses it to fold
    what the page carries beside ``data`` (``includes``) into each record; the
    CTE ``good`` (the readable pages, with ``doc``) is in scope.

    A file that is not JSON, or has no ``data`` array, becomes one record
    carrying the parse error and the file's text, so nothing is dropped.
    """
    records = enrich("records") if enrich else "SELECT * FROM records"
    return f"""
  WITH pages AS (
    -- doc is NULL for a file that is not JSON, so no JSON function ever sees it
    SELECT filename AS _source_file, content, json_valid(content) AS ok,
           CASE WHEN json_valid(content) THEN content END AS doc
    FROM read_text({file_list_sql(files)})
  ),
  good AS (
    SELECT _source_file, content, doc,
           from_json(json_extract(doc, '$.data'), '["JSON"]') AS recs
    FROM pages WHERE ok
  ),
  records AS (
    SELECT _source_file, u.i AS _record_no, u.r AS payload
    FROM good, unnest(recs) WITH ORDINALITY AS u(r, i)
    WHERE recs IS NOT NULL
  ),
  enriched AS ({records})
  SELECT _source_file, _record_no, payload, NULL::VARCHAR AS _parse_error, NULL::VARCHAR AS _raw_text
  FROM enriched
  UNION ALL
  SELECT _source_file, 0, NULL::JSON,
         'file has no "data" array: not an API response page', content
  FROM good WHERE recs IS NULL
  UNION ALL
  SELECT _source_file, 0, NULL::JSON, 'file is not valid JSON', content
  FROM pages WHERE NOT ok
"""


def load_csv_records(con, files: Sequence[Path], into: str) -> None:
    """Read CSV exports (header row, comma, double-quote) into the records table ``into``.

    Every value is kept as text so the contract, not the sniffer, decides types.
    Rows DuckDB's reader rejects (wrong column count, bad quoting) are read
    back from its rejects table with their line number, error and text.
    """
    for n, path in enumerate(files):
        rejects = f"_csv_rejects_{n}"
        con.execute(
            f"""
            INSERT INTO {into}
            SELECT {quote_literal(str(path))}, row_number() OVER (), to_json(t)::JSON, NULL, NULL
            FROM read_csv({quote_literal(str(path))}, header = true, delim = ',', quote = '"',
                          escape = '"', all_varchar = true, store_rejects = true,
                          rejects_table = '{rejects}_errors', rejects_scan = '{rejects}_scans') t
            """
        )
        con.execute(
            f"""
            INSERT INTO {into}
            SELECT {quote_literal(str(path))}, line, NULL,
                   'CSV line ' || line || ': ' || error_message, csv_line
            FROM {rejects}_errors
            """
        )
        con.execute(f"DROP TABLE {rejects}_errors; DROP TABLE {rejects}_scans")
