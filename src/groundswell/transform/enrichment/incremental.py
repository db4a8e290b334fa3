"""``enrich``: score the raw tables' inbound texts into ``enrichment.texts``, only what is new.

Which texts: ``TEXT_SOURCES`` below, one entry per raw table, each a query of the
latest landing of every record (raw tables keep every landing; the latest by
``_loaded_at`` is the record) that selects ``record_id, text, industry_hint``.

What is new, decided in DuckDB per source by one full join of those records with
what ``enrichment.texts`` holds for the source:

- a record without a row, a record whose text changed (``text_md5``, the md5 of
  the text as landed), whose industry hint changed, or any record when
  ``rules_version`` changed (VADER's version, ``rules.RULES_VERSION``, the two
  seed files): scored again, its row replaced;
- a row whose record is gone (re-landed without it, or now written by a brand
  account): deleted;
- everything else: untouched, so a run with nothing new reads the raw tables once
  and writes nothing.

How: the first cleaning stage (URLs, @handles) runs in SQL, so each distinct
cleaned text (with its industry hint) is scored once however many records repeat
it, as the demo's do.  Distinct texts leave DuckDB in chunks of ``CHUNK_ROWS``,
their scores come back as list parameters of an INSERT, and the rows are replaced
in one transaction at the end: a failed run leaves the previous rows whole.

VADER, the complaint rules and the topic keywords score about 39,000 distinct
texts a second in one process; a run with at least ``scoring.POOL_MIN_TEXTS``
distinct texts scores in one worker process per core (``scoring``), about 62,000
a second on two idle cores (docs/metrics.md).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from groundswell.config import Settings, get_settings
from groundswell.land.sources.corrections import NEGATIVE_TYPES
from groundswell.runs import utcnow
from groundswell.transform.enrichment import learning
from groundswell.transform.enrichment.rules import Rules, complaint_type, load_rules, read_seed
from groundswell.transform.enrichment.scoring import Models, Scorer, pool_size
from groundswell.transform.enrichment.text import finish_cleaning, sql_preclean
from groundswell.warehouse import writer

log = logging.getLogger(__name__)

#: Distinct texts scored per round trip between DuckDB and Python.
CHUNK_ROWS = 50_000
BRAND_ACCOUNTS_SEED = "brand_accounts.csv"
BRANDS_SEED = "brands.csv"


@dataclass(frozen=True)
class TextSource:
    """One raw table's texts to enrich.

    ``select`` reads ``{latest}`` (the table's latest landing per ``key``) and returns
    ``record_id, text, industry_hint`` in that order.  It may join the seed tables
    ``_enrich_accounts (platform, account_id, brand, industry)`` and
    ``_enrich_brands (brand, industry)``.
    """

    table: str  # raw table, without the schema: the `source` column of enrichment.texts
    key: str
    select: str

    def latest(self, since: datetime | None = None, ids: str | None = None) -> str:
        """The latest landing of each record; with ``since``, of the records landed after it only
        (the raw rows are filtered before the window: a landing after ``since`` outranks every
        earlier one, so those records keep the same latest landing); with ``ids`` (a query of
        record ids), of those records only (every landing of them)."""
        where = f" WHERE _loaded_at > TIMESTAMP '{since.isoformat(sep=' ')}'" if since else ""
        if ids is not None:
            where = f" WHERE {self.key}::VARCHAR IN ({ids})"
        return (f"(SELECT * FROM raw.{self.table}{where} QUALIFY row_number() OVER "
                f"(PARTITION BY {self.key} ORDER BY _loaded_at DESC, _batch_id DESC) = 1)")

    def sql(self, since: datetime | None = None, ids: str | None = None) -> str:
        return self.select.format(latest=self.latest(since, ids))


def _not_brand(column: str, platform: str) -> str:
    return (f"{column} NOT IN (SELECT account_id FROM _enrich_accounts WHERE platform = '{platform}')")


#: Every inbound message and mention: what customers and the public write, never the brand's own posts.
TEXT_SOURCES: tuple[TextSource, ...] = (
    # Kaggle "Customer Support on Twitter": customers' tweets (inbound); no brand config to hint from.
    TextSource("customer_support__tweets", "tweet_id",
               "SELECT t.tweet_id, t.text, NULL FROM {latest} t WHERE t.inbound"),
    # Tweets not written by a brand account; the industry of the brand account replied to.
    TextSource("x__tweets", "id",
               "SELECT t.id, t.text, a.industry FROM {latest} t "
               "LEFT JOIN _enrich_accounts a ON a.platform = 'x' AND a.account_id = t.in_reply_to_user_id "
               f"WHERE {_not_brand('t.author_id', 'x')}"),
    # Comments by people, not the Page; the industry of the Page of the post ("{page-id}_{post-id}").
    TextSource("facebook__comments", "id",
               "SELECT c.id, c.message, a.industry FROM {latest} c "
               "LEFT JOIN _enrich_accounts a ON a.platform = 'facebook' "
               "AND a.account_id = split_part(c.post_id, '_', 1) "
               f"WHERE {_not_brand('c.from_id', 'facebook')}"),
    # Messenger messages from customers; the industry of the Page they write to.
    TextSource("facebook__messages", "id",
               "SELECT m.id, m.message, a.industry FROM {latest} m "
               "LEFT JOIN _enrich_accounts a ON a.platform = 'facebook' AND a.account_id = m.to_id "
               f"WHERE {_not_brand('m.from_id', 'facebook')}"),
    # Listening: every mention; the industry of the brand or competitor matched (dbt/seeds/brands.csv).
    TextSource("listening__mentions", "mention_id",
               "SELECT m.mention_id, m.text, b.industry FROM {latest} m "
               "LEFT JOIN _enrich_brands b ON lower(b.brand) = lower(m.matched_brand)"),
    # Kaggle "Twitter US Airline Sentiment": mentions of US airlines.
    TextSource("airline_sentiment__tweets", "tweet_id",
               "SELECT t.tweet_id, t.text, 'airline' FROM {latest} t"),
)


@dataclass(frozen=True)
class EnrichResult:
    candidates: int  # records (re)scored: new, changed text or hint, or a new rules version
    scored: int  # distinct cleaned texts (with their industry hint) run through VADER and the rules
    reused: int  # candidates that took the scores of an identical text: candidates - scored
    unchanged: int  # records already enriched with the current text and rules: skipped
    removed: int  # rows deleted because their record is no longer an inbound text
    seconds: float
    rules_version: str
    corrected: int = 0  # rows carrying an analyst's correction, after the run
    models: tuple[str, ...] = ()  # industries labelled by a model learned from corrections

    def summary(self) -> str:
        rate = f", {self.candidates / self.seconds:,.0f} texts/s" if self.candidates and self.seconds else ""
        learned = ""
        if self.corrected or self.models:
            named = ", ".join(m or "(no industry)" for m in self.models) or "none"
            learned = f"; {self.corrected:,} corrected by analysts, models for: {named}"
        return (f"{self.candidates:,} texts to enrich, {self.scored:,} distinct scored, "
                f"{self.reused:,} reused, {self.unchanged:,} unchanged, {self.removed:,} removed "
                f"in {self.seconds:.1f} s{rate} (rules {self.rules_version}){learned}")


def enrich(settings: Settings | None = None, seeds_dir: Path | None = None,
           workers: int | None = None, *, since_last_run: bool = False) -> EnrichResult:
    """Enrich what is new in the raw tables into ``enrichment.texts`` (see the module docstring).

    ``seeds_dir`` defaults to ``dbt/seeds`` of the checkout; it holds the two
    enrichment seeds, ``brand_accounts.csv`` and ``brands.csv``.  ``workers``:
    processes to score with (default: one per core when there are at least
    ``scoring.POOL_MIN_TEXTS`` distinct texts, else this process alone).

    ``since_last_run`` (the hourly listen DAG): compare only the records with a raw row
    landed after the last run that wrote a row (``max(enriched_at)``; a landing holds the
    writer, so every landing stamped before that run ended was visible to it), so the
    check costs what landed, not the history. Every record when any row has another rules
    version. Not seen by it, until the next full check (the default: ``groundswell build``,
    ``groundswell enrich``, the build DAG): a record gone from raw (its row stays) and an
    industry hint changed by editing the brand seeds.
    """
    settings = settings or get_settings()
    seeds_dir = seeds_dir or settings.dbt_project_dir / "seeds"
    started = time.perf_counter()
    rules = load_rules(seeds_dir)
    with writer(settings) as con:
        _load_brand_seeds(con, seeds_dir)
        _load_corrections(con)
        # Pass 1: what is new, the corrections landed since, under the models of the last run.
        models = learning.current(con, settings)
        candidates, removed, scored = _pass(con, rules, models, workers, since_last_run)
        # Corrections now in place, the models learn from them; a model that changed re-scores
        # its industry (its rows' rules_version changed), and only then is there a pass 2.
        learned = learning.train(con, settings, rules)
        if {i: m.versions for i, m in learned.items()} != {i: m.versions for i, m in models.items()}:
            more, gone, distinct = _pass(con, rules, learned, workers, since_last_run)
            candidates, removed, scored = candidates + more, removed + gone, scored + distinct
        total, corrected = con.execute("SELECT count(*), count(*) FILTER (WHERE label_source = 'analyst') "
                                       "FROM enrichment.texts").fetchone()
        if settings.engine != "duckdb":
            export_texts(con, settings)
    result = EnrichResult(candidates=candidates, scored=scored, reused=candidates - scored,
                          unchanged=max(total - candidates, 0), removed=removed,
                          seconds=round(time.perf_counter() - started, 3), rules_version=rules.version,
                          corrected=corrected, models=tuple(sorted(learned)))
    log.info("enrichment: %s", result.summary())
    return result


def export_texts(con: duckdb.DuckDBPyConnection, settings: Settings) -> Path:
    """``enrichment.texts`` as one Parquet file, for an engine that is not the writer (Spark reads
    it as the source ``enrichment.texts``: dbt/macros/engine.sql). Written under a temporary name
    and renamed: a build never reads half a file."""
    target = settings.enrichment_export_dir / "texts.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".texts.{os.getpid()}.parquet.tmp")
    con.execute(f"COPY (SELECT * FROM enrichment.texts ORDER BY source, record_id) TO '{tmp}' "
                "(FORMAT parquet, COMPRESSION zstd)")
    os.replace(tmp, target)
    return target


def _pass(con: duckdb.DuckDBPyConnection, rules: Rules, models: dict[str, learning.IndustryModels],
          workers: int | None, since_last_run: bool) -> tuple[int, int, int]:
    """Find what to (re)score under these models, score it, write it: (candidates, removed, scored)."""
    _load_versions(con, rules, models)
    learning.held_out_labels(con, models)
    since = _last_run(con) if since_last_run else None
    candidates, removed = _find_work(con, since)
    scored = _score(con, rules, workers, {i: (m.sentiment, m.topic) for i, m in models.items()})
    if candidates or removed:
        _complete_corrections(con)
        _write(con)
    return candidates, removed, scored


def _load_versions(con: duckdb.DuckDBPyConnection, rules: Rules,
                   models: dict[str, learning.IndustryModels]) -> None:
    """``_enrich_versions (industry, version)``: each industry with a model; every other industry's
    rows have the rules' version (``_enrich_base``) and are labelled by the rules."""
    con.execute("CREATE OR REPLACE TEMP TABLE _enrich_versions (industry VARCHAR, version VARCHAR)")
    for industry, found in models.items():
        con.execute("INSERT INTO _enrich_versions VALUES (?, ?)",
                    [industry, learning.row_version(rules, found)])
    con.execute("CREATE OR REPLACE TEMP TABLE _enrich_base AS SELECT ?::VARCHAR AS version", [rules.version])


def _load_corrections(con: duckdb.DuckDBPyConnection) -> None:
    """``_enrich_corrections``: the latest correction of each record (``corrected_at``, then the
    later landing), the labels it sets (NULL: keep the machine's)."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _enrich_corrections AS
        SELECT source, record_id, sentiment_label, complaint_type, complaint_topic
        FROM raw.corrections__labels
        QUALIFY row_number() OVER (PARTITION BY source, record_id
                                   ORDER BY corrected_at DESC, _loaded_at DESC, _batch_id DESC) = 1
    """)


def _load_brand_seeds(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """The brand seeds as temporary tables: whose accounts are the brand's, which industry each is in."""
    _, brands = read_seed(seeds_dir / BRANDS_SEED, ("brand", "industry"))
    _, accounts = read_seed(seeds_dir / BRAND_ACCOUNTS_SEED, ("platform", "account_id", "brand"))
    con.execute("CREATE OR REPLACE TEMP TABLE _enrich_brands (brand VARCHAR, industry VARCHAR)")
    if brands:
        con.executemany("INSERT INTO _enrich_brands VALUES (?, lower(?))",
                        [(b["brand"], b["industry"]) for b in brands])
    con.execute("CREATE OR REPLACE TEMP TABLE _enrich_accounts "
                "(platform VARCHAR, account_id VARCHAR, brand VARCHAR, industry VARCHAR)")
    if accounts:
        con.executemany("INSERT INTO _enrich_accounts VALUES (?, ?, ?, NULL)",
                        [(a["platform"], a["account_id"], a["brand"]) for a in accounts])
    con.execute("UPDATE _enrich_accounts a SET industry = b.industry FROM _enrich_brands b "
                "WHERE lower(b.brand) = lower(a.brand)")


#: The version a row of industry hint ``{hint}`` must carry (``_enrich_versions``, else the rules').
_EXPECTED = ("coalesce((SELECT v.version FROM _enrich_versions v WHERE v.industry = coalesce({hint}, '')), "
             "(SELECT version FROM _enrich_base))")
#: A work row ``w`` carries a correction.
_CORRECTED = ("(w.analyst_sentiment_label IS NOT NULL OR w.analyst_complaint_type IS NOT NULL "
              "OR w.analyst_complaint_topic IS NOT NULL)")
#: A stored row's analyst labels differ from its record's latest correction ``k``.
_CORRECTION_CHANGED = ("(d.analyst_sentiment_label IS DISTINCT FROM k.sentiment_label "
                       "OR d.analyst_complaint_type IS DISTINCT FROM k.complaint_type "
                       "OR d.analyst_complaint_topic IS DISTINCT FROM k.complaint_topic)")


def _last_run(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the last run that wrote a row ended; None (check everything) before any run, or
    when a row was scored under another version than its industry's."""
    last, stale = con.execute(
        f"SELECT max(enriched_at), bool_or(rules_version <> {_EXPECTED.format(hint='industry_hint')} "
        "OR label_source IS NULL) FROM enrichment.texts").fetchone()
    return None if last is None or stale else last


def _find_work(con: duckdb.DuckDBPyConnection, since: datetime | None = None) -> tuple[int, int]:
    """Fill ``_enrich_work``: records to score (``pre`` set) and rows to delete; their counts.

    With ``since``, only the records landed after it, and the records whose correction changed,
    are compared (nothing is deleted)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _enrich_work (
        source VARCHAR, record_id VARCHAR, text_md5 VARCHAR, industry_hint VARCHAR, pre VARCHAR,
        had_row BOOLEAN, analyst_sentiment_label VARCHAR, analyst_complaint_type VARCHAR,
        analyst_complaint_topic VARCHAR)""")
    for source in TEXT_SOURCES:
        records = f"SELECT * FROM ({source.sql(since)}) s"
        if since is not None:
            # A correction landed for a record landed long ago: that record too.
            changed = (f"SELECT k.record_id FROM _enrich_corrections k LEFT JOIN enrichment.texts d "
                       f"ON d.source = k.source AND d.record_id = k.record_id "
                       f"WHERE k.source = '{source.table}' AND {_CORRECTION_CHANGED}")
            records += f" UNION SELECT * FROM ({source.sql(ids=changed)}) s"
        only_current = "AND record_id IN (SELECT record_id FROM current)" if since else ""
        con.execute(f"""
            INSERT INTO _enrich_work
            WITH current AS (
                SELECT record_id::VARCHAR AS record_id, text, lower(industry_hint::VARCHAR) AS industry_hint
                FROM ({records}) s(record_id, text, industry_hint)
                WHERE text IS NOT NULL
            ),
            done AS (
                SELECT record_id, text_md5, rules_version, industry_hint, analyst_sentiment_label,
                       analyst_complaint_type, analyst_complaint_topic, label_source
                FROM enrichment.texts WHERE source = $source {only_current}
            )
            SELECT $source, coalesce(c.record_id, d.record_id), md5(c.text), c.industry_hint,
                   {sql_preclean('c.text')}, d.record_id IS NOT NULL,
                   k.sentiment_label, k.complaint_type, k.complaint_topic
            FROM current c FULL JOIN done d ON d.record_id = c.record_id
            LEFT JOIN _enrich_corrections k ON k.source = $source AND k.record_id = c.record_id
            WHERE c.record_id IS NULL OR d.record_id IS NULL OR d.text_md5 <> md5(c.text)
               OR d.rules_version <> {_EXPECTED.format(hint='c.industry_hint')}
               OR d.industry_hint IS DISTINCT FROM c.industry_hint OR {_CORRECTION_CHANGED}
               OR d.label_source IS NULL  -- scored before corrections existed
        """, {"source": source.table})
    return con.execute("SELECT count(pre), count(*) - count(pre) FROM _enrich_work").fetchone()


def _score(con: duckdb.DuckDBPyConnection, rules: Rules, workers: int | None, models: Models) -> int:
    """Score each distinct (pre-cleaned text, hint) once, in chunks; scores go to ``_enrich_scores``."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _enrich_units AS
        SELECT row_number() OVER (ORDER BY pre, hint) AS n, pre, hint
        FROM (SELECT DISTINCT pre, coalesce(industry_hint, '') AS hint
              FROM _enrich_work WHERE pre IS NOT NULL)
    """)
    con.execute("""CREATE OR REPLACE TEMP TABLE _enrich_scores (
        n BIGINT, sentiment_score DOUBLE, sentiment_label VARCHAR, complaint_type VARCHAR,
        complaint_topic VARCHAR)""")
    units = con.execute("SELECT count(*) FROM _enrich_units").fetchone()[0]
    if not units:
        return 0
    processes = pool_size(units, workers)
    log.info("enrichment: scoring %d distinct texts in %d process(es)", units, processes)
    with Scorer(rules, processes, models) as scorer:
        for low in range(0, units, CHUNK_ROWS):
            rows = con.execute("SELECT n, pre, hint FROM _enrich_units WHERE n > ? AND n <= ? ORDER BY n",
                               [low, low + CHUNK_ROWS]).fetchall()
            for scores in scorer.score(rows):
                scores.insert_into(con, "_enrich_scores")
            log.info("enrichment: scored %d of %d distinct texts", min(low + CHUNK_ROWS, units), units)
    return units


def _complete_corrections(con: duckdb.DuckDBPyConnection) -> None:
    """``_enrich_reviewed``: per corrected record to write, the machine's labels as if it had not seen
    the correction (the held-out ones where the industry's model trained on it) and the labels
    used: the analyst's, a blank one completed consistently with those set (docs/metrics.md).
    Corrected records are few: their complaint types are worked out here, in Python."""
    rows = con.execute(f"""
        SELECT w.source, w.record_id, w.pre, s.sentiment_score,
               coalesce(h.sentiment_label, s.sentiment_label), s.complaint_type,
               coalesce(h.complaint_topic, s.complaint_topic),
               w.analyst_sentiment_label, w.analyst_complaint_type, w.analyst_complaint_topic
        FROM _enrich_work w
        JOIN _enrich_units u ON u.pre = w.pre AND u.hint = coalesce(w.industry_hint, '')
        JOIN _enrich_scores s ON s.n = u.n
        LEFT JOIN _enrich_held_out h ON h.industry = coalesce(w.industry_hint, '')
             AND h.source = w.source AND h.record_id = w.record_id
        WHERE {_CORRECTED}
    """).fetchall()
    out = []
    for source, record_id, pre, score, m_label, m_type, m_topic, a_label, a_type, a_topic in rows:
        cleaned = finish_cleaning(pre)
        if m_label != label_of_type(m_type):  # a held-out sentiment: its type by seed 004's rules
            m_type = complaint_type(cleaned, score, m_label)
        label = a_label or label_of_type(a_type) or m_label
        if a_type:
            kind = a_type
        elif label != "negative":
            kind = label
        else:  # a negative text: the machine's type if it has one, else the rules' for a negative text
            kind = m_type if m_type in NEGATIVE_TYPES else complaint_type(cleaned, score, "negative")
        out.append((source, record_id, m_label, m_type, m_topic, label, kind, a_topic or m_topic))
    con.execute("""CREATE OR REPLACE TEMP TABLE _enrich_reviewed (
        source VARCHAR, record_id VARCHAR, machine_sentiment_label VARCHAR, machine_complaint_type VARCHAR,
        machine_complaint_topic VARCHAR, sentiment_label VARCHAR, complaint_type VARCHAR,
        complaint_topic VARCHAR)""")
    if out:
        con.executemany("INSERT INTO _enrich_reviewed VALUES (?, ?, ?, ?, ?, ?, ?, ?)", out)


def label_of_type(kind: str | None) -> str | None:
    """The sentiment a complaint type implies (the four types are of negative texts)."""
    if kind is None:
        return None
    return "negative" if kind in NEGATIVE_TYPES else kind


def _write(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the rows of every record in ``_enrich_work``, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("""
            DELETE FROM enrichment.texts t USING _enrich_work w
            WHERE w.had_row AND t.source = w.source AND t.record_id = w.record_id
        """)
        con.execute(f"""
            INSERT INTO enrichment.texts (source, record_id, text_md5, rules_version, sentiment_score,
                sentiment_label, complaint_type, complaint_topic, industry_hint, enriched_at, label_source,
                analyst_sentiment_label, analyst_complaint_type, analyst_complaint_topic,
                machine_sentiment_label, machine_complaint_type, machine_complaint_topic, reviewed_text)
            SELECT w.source, w.record_id, w.text_md5, {_EXPECTED.format(hint='w.industry_hint')},
                   s.sentiment_score,
                   coalesce(r.sentiment_label, s.sentiment_label),
                   coalesce(r.complaint_type, s.complaint_type),
                   coalesce(r.complaint_topic, s.complaint_topic), w.industry_hint, $at,
                   CASE WHEN r.record_id IS NOT NULL THEN 'analyst'
                        WHEN EXISTS (SELECT 1 FROM _enrich_versions v
                                     WHERE v.industry = coalesce(w.industry_hint, '')) THEN 'model'
                        ELSE 'rules' END,
                   w.analyst_sentiment_label, w.analyst_complaint_type, w.analyst_complaint_topic,
                   r.machine_sentiment_label, r.machine_complaint_type, r.machine_complaint_topic,
                   CASE WHEN r.record_id IS NOT NULL THEN w.pre END
            FROM _enrich_work w
            JOIN _enrich_units u ON u.pre = w.pre AND u.hint = coalesce(w.industry_hint, '')
            JOIN _enrich_scores s ON s.n = u.n
            LEFT JOIN _enrich_reviewed r ON r.source = w.source AND r.record_id = w.record_id
        """, {"at": utcnow()})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
