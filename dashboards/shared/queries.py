"""What every page's queries share: filters, periods, tables present, corrections' marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where


def any_of(column: str, values: list[str] | None) -> tuple[str, list]:
    """``and column is one of values`` (nothing when no value is picked): the values travel as a
    bound list; ``column`` is always one of the code's own names, never the browser's."""
    if not values:
        return "", []
    return f" and list_contains(?, {column})", [[str(v) for v in values]]


def has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Whether the snapshot has this mart (one published before it was added has not)."""
    schema, table = qualified.split(".")
    return con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length that ends the day before ``start``."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def previous_months(start: date, end: date) -> tuple[date, date]:
    """The same number of calendar months that ends the month before ``start`` (first days of
    months, as the ROI page picks them)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1

    def back(n: int) -> date:
        i = start.year * 12 + start.month - 1 - n
        return date(i // 12, i % 12 + 1, 1)

    return back(months), back(1)


CARE_MART = "marts.fct_care_messages"


MENTIONS_MART = "marts.fct_mentions"


#: The record a mention's labels belong to: the raw table (`source`) and its key there. An airline
#: tweet's mention_id is its tweet_id prefixed `x-` (dbt/models/marts/listening/fct_mentions.sql).
MENTION_RECORD_ID = ("case source when 'airline_sentiment__tweets' then substr(mention_id, 3) "
                     "else mention_id end")


NO_TOPIC = "other"


def has_column(con: duckdb.DuckDBPyConnection, qualified: str, column: str) -> bool:
    """Whether the snapshot's table has the column (a snapshot built before it was added has not)."""
    schema, table = qualified.split(".")
    return con.execute("select count(*) from duckdb_columns() where schema_name = ? and table_name = ? "
                       "and column_name = ?", [schema, table, column]).fetchone()[0] > 0


def label_source(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The mart's label_source, NULL for a snapshot built before corrections."""
    return "label_source" if has_column(con, mart, "label_source") else "null::varchar as label_source"


#: The marts showing a text an analyst may correct, by its raw table (`source`): the mart, the
#: text's id there, and the raw record's key as an expression of the mart's row.
CORRECTABLE_MARTS = {
    "listening__mentions": (MENTIONS_MART, "mention_id", MENTION_RECORD_ID),
    "airline_sentiment__tweets": (MENTIONS_MART, "mention_id", MENTION_RECORD_ID),
    "x__tweets": (CARE_MART, "message_id", "message_id"),
    "facebook__comments": (CARE_MART, "message_id", "message_id"),
    "facebook__messages": (CARE_MART, "message_id", "message_id"),
    "customer_support__tweets": (CARE_MART, "message_id", "message_id"),
}


def correctable(con: duckdb.DuckDBPyConnection, source: str, message_id: str) -> dict | None:
    """The text ``message_id`` of ``source`` as the connection shows it: ``message_id`` is its id in
    the mart that shows it (a care message's message_id in marts.fct_care_messages, a mention's
    mention_id in marts.fct_mentions). None when that mart does not show it (another unit's, not
    in the snapshot, a source no analyst corrects). Else its brand, when it was written (``at``),
    its record (``source``, ``record_id``: the raw table and its key there, what a correction
    names), its labels (LABEL_COLUMNS) and, for a mention, its text. What a correction starts
    from, read from the snapshot, never taken from the row the browser sent back."""
    if source not in CORRECTABLE_MARTS:
        return None
    mart, id_column, record_id = CORRECTABLE_MARTS[source]
    if not has_table(con, mart):
        return None
    at, text = ("mentioned_at", "text") if mart == MENTIONS_MART else ("received_at", "null::varchar")
    df = con.execute(f"""
        select brand, {at} as at, source, {record_id} as record_id, sentiment_label, complaint_type,
               complaint_topic, {label_source(con, mart)}, {text} as text
        from {mart} where source = ? and {id_column} = ? limit 1""", [source, str(message_id)]).df()
    return None if df.empty else df.astype(object).where(df.notna(), None).iloc[0].to_dict()


@cached
def correction_topics(con: duckdb.DuckDBPyConnection, brand: str | None = None) -> list[str]:
    """The complaint topics a correction may set (seeds.complaint_topics, then ``other``): those of
    the brand's industry and of every industry (``any``), as enrichment matches them; every topic
    when ``brand`` is None or its industry has no topics of its own (care's support handles)."""
    if not has_table(con, "seeds.complaint_topics"):
        return [NO_TOPIC]
    topics = [r[0] for r in con.execute("""
        with industry as (
            select b.industry from seeds.brands as b
            where b.brand = ? and b.industry in (select industry from seeds.complaint_topics)
        )
        select distinct topic from seeds.complaint_topics
        where not exists (select 1 from industry) or industry = 'any'
            or industry in (select industry from industry)
        order by topic""", [brand]).fetchall()]
    return [*(t for t in topics if t != NO_TOPIC), NO_TOPIC]


AGREEMENT_MART = "marts.agg_label_agreement"
AGREEMENT_DOMAINS = ("mentions", "care")


@dataclass(frozen=True)
class Agreement:
    """How far the labels of some brands' records can be trusted (marts.agg_label_agreement):
    per label (``sentiment_label``, ``complaint_type``, ``complaint_topic``), the reviewed records
    and the share the machine had labelled as the analyst did; per complaint type the same.
    ``learned``: a model learned from corrections labels the brands' industry (else VADER and the
    rules do)."""

    labels: dict[str, tuple[int, float]]
    complaint_types: dict[str, tuple[int, float]]
    learned: bool


@cached
def label_agreement(con: duckdb.DuckDBPyConnection, brands: tuple[str, ...] | None, domain: str,
                    channels: tuple[str, ...] | None = None) -> Agreement:
    """Agreement over the brands (None: all) and channels, all time: the semantic layer's
    label_agreement (agreed / reviewed, from the sums) per label, and per complaint type an
    analyst set."""
    if domain not in AGREEMENT_DOMAINS:
        raise ValueError(f"domain must be one of {', '.join(AGREEMENT_DOMAINS)}")
    if not has_table(con, AGREEMENT_MART):
        return Agreement({}, {}, False)
    where = [Where("label_review__domain", "=", domain)]
    if brands:
        where.append(Where("label_review__brand", "in", [str(b) for b in brands]))
    if channels:
        where.append(Where("label_review__channel", "in", [str(c) for c in channels]))
    metrics = ("reviewed_labels", "label_agreement")
    per_label = semantic.frame(con, Query.of(metrics, ("label_review__label",), tuple(where)))
    per_type = semantic.frame(con, Query.of(metrics, ("label_review__analyst_label",), (
        *where, Where("label_review__label", "=", "complaint_type"))))
    labels = {r[0]: (int(r[1]), r[2]) for r in per_label.itertuples(index=False) if r[1]}
    types = {r[0]: (int(r[1]), r[2]) for r in per_type.itertuples(index=False) if r[1]}
    brand_sql, brand_params = any_of("brand", list(brands) if brands else None)
    learned = has_table(con, "ops.label_models") and con.execute(f"""
        select count(*) > 0 from ops.label_models as m
        where m.kind = 'sentiment' and m.industry in (
            select industry from seeds.brands where true{brand_sql})""", brand_params).fetchone()[0]
    return Agreement(labels, types, bool(learned))
