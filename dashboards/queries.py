"""Pure query functions: a connection and filter values in, a DataFrame or dict out.

Values always travel as bound parameters; identifiers chosen in the UI (the
time grain; on the care page, the message set and columns of a drill-down) go
through an allowlist, and every query that returns messages has a row limit.
Metric definitions: docs/metrics.md. The aggregates are ``cached`` per published snapshot, units
and arguments (dashboards/data.py); the rows behind a number (drill-downs, exports) are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from groundswell.sources.base import BRAND_CONFIGURATION

#: Time grains the UI may ask for.
GRAINS = ("day", "week", "month")


@dataclass(frozen=True)
class OverviewOptions:
    first_date: date | None
    last_date: date | None
    brands: list[str]
    snapshot_at: object | None


@cached
def overview_options(con: duckdb.DuckDBPyConnection) -> OverviewOptions:
    first, last = con.execute(
        "select min(posted_date), max(posted_date) from marts.fct_post_performance"
    ).fetchone()
    brands = [r[0] for r in con.execute(
        "select distinct brand from marts.fct_post_performance order by brand").fetchall()]
    snap = con.execute("select max(snapshot_at) from meta.snapshot").fetchone()[0]
    return OverviewOptions(first, last, brands, snap)


def _any_of(column: str, values: list[str] | None) -> tuple[str, list]:
    """``and column is one of values`` (nothing when no value is picked): the values travel as a
    bound list; ``column`` is always one of the code's own names, never the browser's."""
    if not values:
        return "", []
    return f" and list_contains(?, {column})", [[str(v) for v in values]]


def _has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Whether the snapshot has this mart (one published before it was added has not)."""
    schema, table = qualified.split(".")
    return con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def _where(start: date, end: date, brands: list[str] | None) -> tuple[str, list]:
    sql, params = _any_of("brand", brands)
    return "posted_date between ? and ?" + sql, [start, end, *params]


#: The metrics of the Overview page (dbt/models/marts/fct_post_performance.yml).
POST_METRICS = ("posts", "impressions", "engagements", "engagement_rate")


def _post_filters(start: date, end: date, brands: list[str] | None) -> tuple[Where, ...]:
    where = [Where("metric_time__day", "between", (start, end))]
    if brands:
        where.append(Where("post__brand", "in", [str(b) for b in brands]))
    return tuple(where)


@cached
def kpis(con: duckdb.DuckDBPyConnection, start: date, end: date,
         brands: list[str] | None = None) -> dict:
    """Posts, impressions, engagements and engagement rate of the period (docs/metrics.md)."""
    return semantic.row(con, Query.of(POST_METRICS, where=_post_filters(start, end, brands)))


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


@cached
def engagement_by_platform(con: duckdb.DuckDBPyConnection, start: date, end: date,
                           brands: list[str] | None = None, grain: str = "week") -> pd.DataFrame:
    """Engagements, impressions and posts per platform and period start."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    time = f"metric_time__{grain}"
    df = semantic.frame(con, Query.of(POST_METRICS, (time, "post__platform"),
                                      _post_filters(start, end, brands)))
    return df.rename(columns={time: "period_start", "post__platform": "platform"})


@cached
def top_posts(con: duckdb.DuckDBPyConnection, start: date, end: date,
              brands: list[str] | None = None, limit: int = 100) -> pd.DataFrame:
    """The period's posts with the most engagements (ties: the newer first)."""
    where, params = _where(start, end, brands)
    return con.execute(
        f"""
        select post_id, platform, brand, posted_at, content_type, impressions, engagements,
               engagement_rate
        from marts.fct_post_performance
        where {where}
        order by engagements desc, posted_at desc, post_id
        limit ?
        """,
        [*params, int(limit)],
    ).df()


# --- Customer care: marts.fct_care_messages (docs/metrics.md, "Customer care") -------------

CARE_MART = "marts.fct_care_messages"

#: Messages a number on the care page is made of: each a fixed predicate on the mart, so a
#: drill-down (whatever a browser sends) can only choose among these.
MESSAGE_SETS = {
    "all": "true",
    "responded": "is_responded",
    "judged": "is_within_sla is not null",
    "within_sla": "is_within_sla",
    "breached": "is_within_sla = false",
    "open": "is_open",
    "open_breached": "is_open and is_within_sla = false",
    "open_in_time": "is_open and is_within_sla is null and sla_minutes is not null",
    "open_no_sla": "is_open and sla_minutes is null",
}

#: Columns a drill-down may pin to one value (NULL included: `is not distinct from`).
DRILL_COLUMNS = ("brand", "channel", "complaint_type", "complaint_topic")

#: The two response times of a responded message, by the name the UI uses.
RESPONSE_MEASURES = {"business": "first_response_business_minutes", "calendar": "first_response_minutes"}

#: Percentiles of the response-time distribution (continuous, interpolated).
RESPONSE_PERCENTILES = {"p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}

#: Segments need this many judged messages before their SLA attainment is ranked.
MIN_JUDGED = 5

#: Rows a drill-down grid and a conversation show; rows a CSV export holds at most.
DRILL_LIMIT = 1000
CONVERSATION_LIMIT = 500
EXPORT_LIMIT = 100_000

#: SLA result of a message, in words (the drill-down and export column `sla_result`).
SLA_RESULT = """case
            when sla_minutes is null then 'no SLA'
            when is_within_sla then 'within SLA'
            when is_within_sla = false then 'breached'
            else 'open, in time'
        end"""

#: What a CSV export holds: every column of the mart, then `sla_result`.
EXPORT_COLUMNS = (
    "message_id", "conversation_id", "channel", "brand", "author_id", "received_at",
    "is_responded", "first_response_id", "first_response_at", "first_response_by",
    "first_response_minutes", "first_response_business_minutes", "priority", "calendar_id",
    "sla_minutes", "is_within_sla", "sla_breach_at", "is_open", "open_business_minutes", "as_of",
    "complaint_type", "complaint_topic", "recommended_response", "sentiment_score",
    "sentiment_label", "has_reply_before_message", "source_system", "source",
)

#: What the drill-down grid shows of each message.
DRILL_COLUMNS_SHOWN = (
    "received_at", "channel", "brand", "complaint_type", "complaint_topic", "is_responded",
    "first_response_minutes", "first_response_business_minutes", "sla_minutes", "is_open",
    "open_business_minutes", "recommended_response", "message_id", "conversation_id", "source",
)


@dataclass(frozen=True)
class CareFilters:
    """The page's filters: received between two UTC dates (inclusive), brands, channels."""

    start: date
    end: date
    brands: list[str] | None = None
    channels: list[str] | None = None


@dataclass(frozen=True)
class Drill:
    """Which messages a clicked number stands for, inside the page's filters."""

    messages: str = "all"  # a key of MESSAGE_SETS
    week_start: date | None = None
    equals: tuple[tuple[str, str | None], ...] = ()  # (column of DRILL_COLUMNS, value or None)


@dataclass(frozen=True)
class CareOptions:
    has_mart: bool
    first_date: date | None
    last_date: date | None
    brands: list[str]
    channels: list[str]
    as_of: object | None
    snapshot_at: object | None


@cached
def care_options(con: duckdb.DuckDBPyConnection) -> CareOptions:
    """What the filters offer. ``has_mart`` is false for a snapshot published before the mart."""
    snap = con.execute("select max(snapshot_at) from meta.snapshot").fetchone()[0]
    if not _has_table(con, CARE_MART):
        return CareOptions(False, None, None, [], [], None, snap)
    first, last, as_of = con.execute(
        f"select min(received_at)::date, max(received_at)::date, max(as_of) from {CARE_MART}"
    ).fetchone()
    brands = [r[0] for r in con.execute(
        f"select distinct brand from {CARE_MART} where brand is not null order by brand").fetchall()]
    channels = [r[0] for r in con.execute(
        f"select distinct channel from {CARE_MART} order by channel").fetchall()]
    return CareOptions(True, first, last, brands, channels, as_of, snap)


COVERAGE_MART = "marts.agg_care_coverage"
COVERAGE_COLUMNS = ("brand", "channel", "brand_replies", "orphan_replies", "orphan_reply_share",
                    "threads_incomplete")


@cached
def care_incomplete_threads(con: duckdb.DuckDBPyConnection, f: CareFilters) -> pd.DataFrame:
    """The brand × channel pairs of the filters whose threads are incomplete (agg_care_coverage:
    most brand replies answer a message that is not in the data), over all the data landed:
    the period does not change it. Empty for a snapshot published before the mart."""
    if not _has_table(con, COVERAGE_MART):
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    brands, brand_params = _any_of("brand", f.brands)
    channels, channel_params = _any_of("channel", f.channels)
    return con.execute(
        f"select {', '.join(COVERAGE_COLUMNS)} from {COVERAGE_MART} "
        f"where threads_incomplete{brands}{channels} order by brand_replies desc, brand, channel",
        [*brand_params, *channel_params]).df()


#: The column each care mart's period filter applies to.
CARE_DAY_COLUMNS = ("received_at", "date_day", "opened_at")


def _care_where(f: CareFilters, drill: Drill | None = None,
                day_column: str = "received_at") -> tuple[str, list]:
    """The filters (and a drill-down) as a predicate: values bound, identifiers allowlisted.
    The period applies to ``day_column`` (fct_care_messages: received_at; agg_care_daily:
    date_day; fct_care_conversations: opened_at)."""
    if day_column not in CARE_DAY_COLUMNS:
        raise ValueError(f"day_column must be one of {', '.join(CARE_DAY_COLUMNS)}")
    brands, brand_params = _any_of("brand", f.brands)
    channels, channel_params = _any_of("channel", f.channels)
    sql = f"{day_column} >= ? and {day_column} < ?" + brands + channels
    params: list = [f.start, f.end + timedelta(days=1), *brand_params, *channel_params]
    if drill is not None:
        if drill.messages not in MESSAGE_SETS:
            raise ValueError(f"messages must be one of {', '.join(MESSAGE_SETS)}")
        sql += f" and ({MESSAGE_SETS[drill.messages]})"
        if drill.week_start is not None:
            sql += " and date_trunc('week', received_at)::date = ?"
            params.append(drill.week_start)
        for column, value in drill.equals:
            if column not in DRILL_COLUMNS:
                raise ValueError(f"drill-down columns must be among {', '.join(DRILL_COLUMNS)}")
            sql += f" and {column} is not distinct from ?"
            params.append(None if value is None else str(value))
    return sql, params


#: The care page's headline metrics (dbt/models/marts/fct_care_messages.yml), by the page's names.
CARE_KPIS = {"messages": "messages", "responded_messages": "responded", "sla_judged_messages": "judged",
             "sla_met_messages": "within_sla", "open_backlog": "open", "breached_backlog": "open_breached",
             "median_first_response_business_minutes": "median_business_minutes",
             "p90_first_response_business_minutes": "p90_business_minutes",
             "response_rate": "response_rate", "sla_attainment": "sla_attainment"}
#: The weekly trend's metrics.
CARE_WEEKLY = {"messages": "messages", "responded_messages": "responded", "sla_judged_messages": "judged",
               "sla_met_messages": "within_sla", "response_rate": "response_rate",
               "sla_attainment": "sla_attainment"}


def _care_filters(f: CareFilters) -> tuple[Where, ...]:
    """The page's filters in the semantic layer's names (received_at's UTC day is metric_time)."""
    where = [Where("metric_time__day", "between", (f.start, f.end))]
    if f.brands:
        where.append(Where("care_message__brand", "in", [str(v) for v in f.brands]))
    if f.channels:
        where.append(Where("care_message__channel", "in", [str(v) for v in f.channels]))
    return tuple(where)


@cached
def care_kpis(con: duckdb.DuckDBPyConnection, f: CareFilters) -> dict:
    """The page's headline numbers (docs/metrics.md, "Customer care")."""
    got = semantic.row(con, Query.of(CARE_KPIS, where=_care_filters(f)))
    return {CARE_KPIS[name]: value for name, value in got.items()}


@cached
def sla_by_week(con: duckdb.DuckDBPyConnection, f: CareFilters) -> pd.DataFrame:
    """Per ISO week (Monday) of received_at: messages, response rate and SLA attainment."""
    df = semantic.frame(con, Query.of(CARE_WEEKLY, ("metric_time__week",), _care_filters(f)))
    df = df.rename(columns={"metric_time__week": "week_start", **CARE_WEEKLY})
    df["week_start"] = pd.to_datetime(df["week_start"]).dt.date
    return df


@cached
def response_time_stats(con: duckdb.DuckDBPyConnection, f: CareFilters) -> pd.DataFrame:
    """Per channel, of responded messages: count and percentiles of both response times.

    Columns ``<measure>_<percentile>`` for each of RESPONSE_MEASURES and RESPONSE_PERCENTILES.
    The distribution is summarised in SQL, so the browser never receives one row per message.
    """
    names = {"responded_messages": "responded"}
    for measure, column in RESPONSE_MEASURES.items():
        for pct in RESPONSE_PERCENTILES:
            names[f"{pct}_{column}"] = f"{measure}_{pct}"
    df = semantic.frame(con, Query.of(names, ("care_message__channel",), _care_filters(f)))
    df = df.rename(columns={"care_message__channel": "channel", **names})
    return df[df.responded > 0].reset_index(drop=True)


@cached
def backlog_by_type(con: duckdb.DuckDBPyConnection, f: CareFilters) -> pd.DataFrame:
    """Open messages per complaint_type and SLA status (breached, in_time, no_sla), with age."""
    where, params = _care_where(f)
    return con.execute(
        f"""
        select
            complaint_type,
            case
                when is_within_sla = false then 'breached'
                when sla_minutes is null then 'no_sla'
                else 'in_time'
            end as sla_status,
            count(*) as messages,
            quantile_cont(open_business_minutes, 0.5) as median_open_business_minutes,
            max(open_business_minutes) as max_open_business_minutes
        from {CARE_MART}
        where {where} and is_open
        group by all
        order by complaint_type, sla_status
        """,
        params,
    ).df()


@cached
def worst_segments(con: duckdb.DuckDBPyConnection, f: CareFilters, min_judged: int = MIN_JUDGED,
                   limit: int = 50) -> pd.DataFrame:
    """brand × channel × complaint_type × complaint_topic with at least ``min_judged`` judged
    messages, the lowest SLA attainment first, then the slowest median business response."""
    keys = ("brand", "channel", "complaint_type", "complaint_topic")
    names = {"messages": "messages", "sla_judged_messages": "judged", "sla_met_messages": "within_sla",
             "sla_attainment": "sla_attainment", "responded_messages": "responded",
             "median_first_response_business_minutes": "median_business_minutes", "open_backlog": "open"}
    df = semantic.frame(con, Query.of(names, tuple(f"care_message__{k}" for k in keys), _care_filters(f)))
    df = df.rename(columns={**{f"care_message__{k}": k for k in keys}, **names})
    df = df[df.judged >= max(1, int(min_judged))].assign(_untimed=lambda d: d.median_business_minutes.isna())
    # the lowest attainment first, then the slowest median (a segment never answered first)
    df = df.sort_values(["sla_attainment", "_untimed", "median_business_minutes", "judged", *keys],
                        ascending=[True, False, False, False, True, True, True, True], na_position="last")
    df = df.head(int(limit)).reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df[["rank", *keys, "messages", "judged", "within_sla", "sla_attainment", "responded",
               "median_business_minutes", "open"]]


@cached
def care_message_count(con: duckdb.DuckDBPyConnection, f: CareFilters, drill: Drill | None = None) -> int:
    where, params = _care_where(f, drill)
    return con.execute(f"select count(*) from {CARE_MART} where {where}", params).fetchone()[0]


def care_messages(con: duckdb.DuckDBPyConnection, f: CareFilters, drill: Drill | None = None,
                  limit: int = DRILL_LIMIT) -> pd.DataFrame:
    """The messages behind a number: the newest first, at most ``limit``."""
    where, params = _care_where(f, drill or Drill())
    return con.execute(
        f"""
        select {", ".join(DRILL_COLUMNS_SHOWN)}, {SLA_RESULT} as sla_result
        from {CARE_MART}
        where {where}
        order by received_at desc, source, message_id
        limit ?
        """,
        [*params, int(limit)],
    ).df()


def care_conversation(con: duckdb.DuckDBPyConnection, source: str, message_id: str,
                      limit: int = CONVERSATION_LIMIT) -> pd.DataFrame:
    """The inbound messages of the conversation ``message_id`` belongs to, oldest first, each
    with its first response. A message without conversation_id is its own conversation."""
    return con.execute(
        f"""
        with selected as (
            select source, message_id, conversation_id from {CARE_MART}
            where source = ? and message_id = ?
        ),

        conversation as (
            select m.*, m.message_id = s.message_id as is_selected
            from {CARE_MART} as m
            inner join selected as s
                on m.source = s.source
                and (m.conversation_id = s.conversation_id or m.message_id = s.message_id)
        )

        select received_at, message_id, author_id, channel, brand, is_responded,
               first_response_id, first_response_by, first_response_at, first_response_minutes,
               first_response_business_minutes, {SLA_RESULT} as sla_result, complaint_type,
               complaint_topic, recommended_response, conversation_id, is_selected
        from conversation
        order by received_at, message_id
        limit ?
        """,
        [str(source), str(message_id), int(limit)],
    ).df()


CONVERSATIONS_MART = "marts.fct_care_conversations"
DAILY_MART = "marts.agg_care_daily"


@cached
def backlog_by_day(con: duckdb.DuckDBPyConnection, f: CareFilters) -> pd.DataFrame:
    """Per day (each brand's calendar time zone) of marts.agg_care_daily: the backlog at the day's
    end and the part of it over its SLA, with the day's messages and responses. Empty for a
    snapshot without the mart."""
    if not _has_table(con, DAILY_MART):
        return pd.DataFrame(columns=["date_day", "messages", "responded", "backlog", "backlog_over_sla"])
    where, params = _care_where(f, day_column="date_day")
    return con.execute(
        f"""
        select date_day, sum(messages) as messages, sum(responded) as responded,
               sum(backlog) as backlog, sum(backlog_over_sla) as backlog_over_sla
        from {DAILY_MART}
        where {where}
        group by all
        order by date_day
        """,
        params,
    ).df()


@cached
def conversation_kpis(con: duckdb.DuckDBPyConnection, f: CareFilters) -> dict:
    """Conversations opened in the period (marts.fct_care_conversations): how many, resolved,
    reopened, and exchanges per conversation. All None for a snapshot without the mart."""
    names = {"conversations": "conversations", "resolved_conversations": "resolved",
             "awaiting_brand_conversations": "awaiting_brand",
             "awaiting_customer_conversations": "awaiting_customer",
             "reopened_conversations": "reopened", "exchanges": "exchanges",
             "median_resolution_minutes": "median_resolution_minutes",
             "resolved_rate": "resolved_rate", "reopened_rate": "reopened_rate",
             "exchanges_per_conversation": "exchanges_per_conversation"}
    if not _has_table(con, CONVERSATIONS_MART):
        return dict.fromkeys(names.values())
    where = [Where("metric_time__day", "between", (f.start, f.end))]
    if f.brands:
        where.append(Where("care_conversation__brand", "in", [str(v) for v in f.brands]))
    if f.channels:
        where.append(Where("care_conversation__channel", "in", [str(v) for v in f.channels]))
    got = semantic.row(con, Query.of(names, where=where))
    return {names[k]: v for k, v in got.items()}


def care_export(con: duckdb.DuckDBPyConnection, f: CareFilters, limit: int = EXPORT_LIMIT) -> pd.DataFrame:
    """Every column of the messages behind the filters (and their sla_result), oldest first,
    at most ``limit`` rows."""
    where, params = _care_where(f)
    return con.execute(
        f"""
        select {", ".join(EXPORT_COLUMNS)}, {SLA_RESULT} as sla_result
        from {CARE_MART}
        where {where}
        order by received_at, source, message_id
        limit ?
        """,
        [*params, int(limit)],
    ).df()


# --- Social ROI: marts.fct_social_roi (docs/metrics.md, "Social ROI") ----------------------

ROI_MART = "marts.fct_social_roi"
ATTRIBUTION_MART = "marts.fct_attribution"

#: The attribution models: dbt/seeds/attribution_models.csv, published with the snapshot.
ATTRIBUTION_MODELS = "seeds.attribution_models"

#: What ROI may be broken down by on the page (identifiers, never from the browser).
ROI_DIMENSIONS = ("department", "channel")

#: Rows the campaign grid shows; rows a CSV export holds at most.
CAMPAIGN_LIMIT = 1000
ROI_EXPORT_LIMIT = 100_000

#: The additive columns of the mart, summed over a slice of one model.
ROI_SUMS = ("cost", "paid_media_cost", "attributed_revenue", "attributed_pipeline",
            "deflected_contacts", "deflection_savings", "ideas_adopted", "ideas_value",
            "total_value")

#: ROI and ROAS of a slice, from its sums (never an average of the rows' roi).
ROI_OF_SUMS = "(sum(total_value) - sum(cost)) / nullif(sum(cost), 0)"
ROAS_OF_SUMS = "sum(attributed_revenue) / nullif(sum(paid_media_cost), 0)"
#: The model of the lowest / highest ROI across models (ties: the first model by name).
#: Ties (to 1e-9: floating-point noise is not a difference) go to the first model by name.
_ROI_MIN_MODEL = "first(model order by round(roi, 9), model) filter (where roi is not null)"
_ROI_MAX_MODEL = "first(model order by round(roi, 9) desc, model) filter (where roi is not null)"


def _sum(column: str) -> str:
    """sum(column) as column; counts (HUGEINT in the mart) as BIGINT."""
    cast = "::bigint" if column in ("deflected_contacts", "ideas_adopted") else ""
    return f"sum({column}){cast} as {column}"

#: What a CSV export of the campaign table holds, in order.
CAMPAIGN_COLUMNS = ("department", "channel", "campaign", "model", "first_month", "last_month",
                    *ROI_SUMS, "roi", "roas", "roi_min", "roi_max", "roi_min_model",
                    "roi_max_model")


@dataclass(frozen=True)
class RoiFilters:
    """The page's filters: months (first days of calendar months, inclusive), departments,
    channels. The attribution model is a separate argument: every number is of one model."""

    start: date
    end: date
    departments: list[str] | None = None
    channels: list[str] | None = None


@dataclass(frozen=True)
class RoiOptions:
    has_mart: bool
    months: list[date]
    departments: list[str]
    channels: list[str]
    snapshot_at: object | None


@cached
def roi_options(con: duckdb.DuckDBPyConnection) -> RoiOptions:
    """What the filters offer. ``has_mart`` is false for a snapshot published before the mart;
    ``months`` is empty when the mart is."""
    snap = con.execute("select max(snapshot_at) from meta.snapshot").fetchone()[0]
    if not _has_table(con, ROI_MART):
        return RoiOptions(False, [], [], [], snap)

    def distinct(column: str) -> list:
        return [r[0] for r in con.execute(
            f"select distinct {column} from {ROI_MART} where {column} is not null "
            f"order by {column}").fetchall()]

    return RoiOptions(True, distinct("month"), distinct("department"), distinct("channel"), snap)


@cached
def attribution_models(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, label) of every attribution model, in the order the page offers them (the seed's
    sort_order). A snapshot published before the seed: the mart's models, labelled by name."""
    if not _has_table(con, ATTRIBUTION_MODELS):
        return [(m, m) for (m,) in con.execute(
            f"select distinct model from {ROI_MART} order by model").fetchall()]
    return [(m, label) for m, label in con.execute(
        f"select attribution_model, label from {ATTRIBUTION_MODELS} "
        "order by sort_order, attribution_model").fetchall()]


@cached
def default_model(con: duckdb.DuckDBPyConnection) -> str | None:
    """The model the page selects first: the seed's is_default one (else the first model)."""
    if _has_table(con, ATTRIBUTION_MODELS):
        row = con.execute(f"select attribution_model from {ATTRIBUTION_MODELS} where is_default "
                          "order by sort_order, attribution_model limit 1").fetchone()
        if row:
            return row[0]
    models = attribution_models(con)
    return models[0][0] if models else None


def _model(con: duckdb.DuckDBPyConnection, model: str | None) -> str:
    """``model`` if it is one of the seed's (None: the default model), else ValueError."""
    if model is None:
        model = default_model(con)
    names = [m for m, _ in attribution_models(con)]
    if model not in names:
        raise ValueError(f"model must be one of {', '.join(names)}")
    return model


def _roi_where(f: RoiFilters) -> tuple[str, list]:
    """The filters as a predicate on the mart: values bound, never spliced."""
    departments, department_params = _any_of("department", f.departments)
    channels, channel_params = _any_of("channel", f.channels)
    return ("month between ? and ?" + departments + channels,
            [f.start, f.end, *department_params, *channel_params])


#: The page's headline metrics (dbt/models/marts/fct_social_roi.yml), by the names the page uses.
ROI_KPIS = {"program_cost": "cost", "paid_media_cost": "paid_media_cost",
            "attributed_revenue": "attributed_revenue", "attributed_pipeline": "attributed_pipeline",
            "deflected_contacts": "deflected_contacts", "deflection_savings": "deflection_savings",
            "ideas_adopted": "ideas_adopted", "ideas_value": "ideas_value", "total_value": "total_value",
            "valued_idea_slices": "valued_rows", "social_roi": "roi", "roas": "roas",
            "net_value": "net_value", "roi_slices": "rows"}


def _roi_filters(f: RoiFilters, model: str) -> tuple[Where, ...]:
    where = [Where("metric_time__month", "between", (f.start, f.end)),
             Where("roi_slice__attribution_model", "=", model)]
    if f.departments:
        where.append(Where("roi_slice__department", "in", [str(v) for v in f.departments]))
    if f.channels:
        where.append(Where("roi_slice__channel", "in", [str(v) for v in f.channels]))
    return tuple(where)


@cached
def roi_kpis(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None) -> dict:
    """The headline numbers of one model (None: the default) over the filters: the sums, ROI and
    ROAS from them. Sums of an empty slice are 0; ROI and ROAS None where their denominator is 0."""
    model = _model(con, model)
    got = semantic.row(con, Query.of(ROI_KPIS, where=_roi_filters(f, model)))
    out = {ROI_KPIS[name]: value for name, value in got.items()}
    for c in ("deflected_contacts", "ideas_adopted", "rows"):
        out[c] = int(out[c])
    out["ideas_valued"] = out.pop("valued_rows") > 0  # ideas_value NULL: counted, not valued
    out["ideas_value"] = out["ideas_value"] or 0.0  # adds nothing to total_value while not valued
    out["model"] = model
    return out


@cached
def roi_by(con: duckdb.DuckDBPyConnection, f: RoiFilters, dimension: str,
           model: str | None = None) -> pd.DataFrame:
    """ROI per department or channel for ``model``, with the lowest and highest ROI of the same
    slice across the models (each computed from that model's sums, like ``roi``).

    Columns: <dimension>, cost, total_value, attributed_revenue, roi, roi_min, roi_min_model,
    roi_max, roi_max_model, models (how many models have a ROI there)."""
    if dimension not in ROI_DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(ROI_DIMENSIONS)}")
    model = _model(con, model)
    by = f"roi_slice__{dimension}"
    every_model = tuple(w for w in _roi_filters(f, model) if w.dimension != "roi_slice__attribution_model")
    df = semantic.frame(con, Query.of(
        ("program_cost", "total_value", "attributed_revenue", "social_roi"),
        (by, "roi_slice__attribution_model"), every_model)).rename(columns={
            by: dimension, "roi_slice__attribution_model": "model", "program_cost": "cost",
            "social_roi": "roi"})
    columns = [dimension, "cost", "total_value", "attributed_revenue", "roi", "roi_min", "roi_min_model",
               "roi_max", "roi_max_model", "models"]
    rows = []
    for value, part in df.groupby(dimension, sort=True, dropna=False):
        mine = part[part.model == model]
        if mine.empty:
            continue
        ranked = part.dropna(subset=["roi"])
        # ties (to 1e-9: floating-point noise is not a difference) go to the first model by name
        ranked = ranked.assign(_r=ranked.roi.round(9)).sort_values(["_r", "model"])
        low, high = (ranked.iloc[0], ranked.sort_values(["_r", "model"], ascending=[False, True]).iloc[0]) \
            if len(ranked) else (None, None)
        mine = mine.iloc[0]
        rows.append({dimension: value, "cost": mine.cost, "total_value": mine.total_value,
                     "attributed_revenue": mine.attributed_revenue, "roi": mine.roi,
                     "roi_min": None if low is None else low.roi,
                     "roi_min_model": None if low is None else low.model,
                     "roi_max": None if high is None else high.roi,
                     "roi_max_model": None if high is None else high.model, "models": len(ranked)})
    return pd.DataFrame(rows, columns=columns)


def _campaigns_sql(f: RoiFilters, model: str) -> tuple[str, list]:
    where, params = _roi_where(f)
    sums = ", ".join(_sum(c) for c in ROI_SUMS)
    sql = f"""
        with per_model as (
            select department, channel, campaign, model,
                   min(month) as first_month, max(month) as last_month,
                   {sums}, {ROI_OF_SUMS} as roi, {ROAS_OF_SUMS} as roas
            from {ROI_MART}
            where {where}
            group by all
        ),

        across as (
            select department, channel, campaign,
                   min(roi) as roi_min, {_ROI_MIN_MODEL} as roi_min_model,
                   max(roi) as roi_max, {_ROI_MAX_MODEL} as roi_max_model
            from per_model
            group by all
        )

        select p.department, p.channel, p.campaign, p.model, p.first_month, p.last_month,
               {", ".join(f"p.{c}" for c in ROI_SUMS)}, p.roi, p.roas,
               a.roi_min, a.roi_max, a.roi_min_model, a.roi_max_model
        from per_model as p
        inner join across as a
            on p.department is not distinct from a.department
            and p.channel is not distinct from a.channel
            and p.campaign is not distinct from a.campaign
        where p.model = ?
    """
    return sql, [*params, model]


@cached
def campaign_count(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None) -> int:
    sql, params = _campaigns_sql(f, _model(con, model))
    return con.execute(f"select count(*) from ({sql})", params).fetchone()[0]


@cached
def campaign_roi(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None,
                 limit: int = CAMPAIGN_LIMIT) -> pd.DataFrame:
    """One row per department × channel × campaign (NULL campaign: value no campaign carries)
    for ``model`` (None: the default): its sums over the filters, ROI and ROAS from them, and the
    lowest and highest ROI of that row across the models. Ordered by department, channel,
    campaign; at most ``limit`` rows. Columns: CAMPAIGN_COLUMNS."""
    sql, params = _campaigns_sql(f, _model(con, model))
    return con.execute(
        f"""
        select {", ".join(CAMPAIGN_COLUMNS)}
        from ({sql})
        order by department, channel, campaign nulls last
        limit ?
        """,
        [*params, int(limit)],
    ).df()


def roi_export(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None,
               limit: int = ROI_EXPORT_LIMIT) -> pd.DataFrame:
    """The campaign table, every column, at most ``limit`` rows (the CSV export)."""
    return campaign_roi(con, f, model, limit)


FAN_QUALITY_MART = "marts.agg_fan_quality"
FAN_QUALITY_COLUMNS = ("brand", "channel", "engagers", "matched_share", "customer_share",
                       "target_segment_share", "followers", "follower_matched_share",
                       "follower_customer_share", "follower_target_segment_share")


@cached
def fan_quality(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Is your fan a customer? Per brand and channel, as the mart has it (no filter applies:
    the mart is the latest state, not a month). Empty for a snapshot published before the mart."""
    if not _has_table(con, FAN_QUALITY_MART):
        return pd.DataFrame(columns=list(FAN_QUALITY_COLUMNS))
    df = semantic.frame(con, Query.of(FAN_QUALITY_COLUMNS[2:],
                                      ("fan_segment__brand", "fan_segment__channel")))
    return df.rename(columns={"fan_segment__brand": "brand", "fan_segment__channel": "channel"})


# --- Listening & crisis ------------------------------------------------------------------------

HOURLY_MART = "marts.agg_mentions_hourly"
EPISODES_MART = "marts.fct_crisis_episodes"
LISTENING_GRAINS = {"hour": "hour", "day": "day"}
EPISODE_COLUMNS = ("episode_id", "brand", "kind", "start_at", "peak_at", "end_at", "duration_hours",
                   "peak_negative_mentions", "negative_mentions", "dominant_complaint_type",
                   "hashtag", "top_post")


@dataclass(frozen=True)
class ListeningOptions:
    has_mart: bool
    brands: list[str]  # the company's own brands first, then competitors
    own_brands: list[str]
    first_day: date | None
    last_day: date | None
    snapshot_at: object | None


@cached
def listening_options(con: duckdb.DuckDBPyConnection) -> ListeningOptions:
    snap = con.execute("select max(snapshot_at) from meta.snapshot").fetchone()[0]
    if not _has_table(con, HOURLY_MART):
        return ListeningOptions(False, [], [], None, None, snap)
    rows = con.execute(f"""
        select h.brand, coalesce(not b.is_competitor, false) as ours
        from (select distinct brand from {HOURLY_MART}) as h
        left join seeds.brands as b using (brand)
        order by ours desc, h.brand""").fetchall()
    first, last = con.execute(f"select min(hour_at)::date, max(hour_at)::date from {HOURLY_MART}").fetchone()
    return ListeningOptions(True, [r[0] for r in rows], [r[0] for r in rows if r[1]], first, last, snap)


def _grain(grain: str) -> str:
    if grain not in LISTENING_GRAINS:
        raise ValueError(f"grain must be one of {', '.join(LISTENING_GRAINS)}")
    return LISTENING_GRAINS[grain]


def _period(start: date, end: date) -> Where:
    return Where("metric_time__day", "between", (start, end))


@cached
def listening_kpis(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date) -> dict:
    """The brand's period: volume, negative share, net sentiment and share of voice from sums;
    the crisis episodes overlapping the period."""
    mine = semantic.row(con, Query.of(("mentions", "negative_share", "net_sentiment"),
                                      where=(Where("mention_hour__brand", "=", brand), _period(start, end))))
    voice = {"share_of_voice": None}
    if _has_table(con, "marts.agg_share_of_voice_hourly"):
        voice = semantic.row(con, Query.of(("share_of_voice",), where=(
            Where("voice_hour__brand", "=", brand), _period(start, end))))
    # Episodes overlapping the period, as the table below lists them (the metric crisis_episodes
    # counts those that started in it).
    episodes = con.execute(f"select count(*) from {EPISODES_MART} "
                           "where brand = ? and start_at < ? + interval 1 day and end_at > ?",
                           [brand, end, start]).fetchone()[0]
    return {**mine, **voice, "episodes": episodes}


@cached
def mention_series(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date,
                   grain: str = "hour") -> pd.DataFrame:
    """Volume by sentiment and net sentiment per hour or day (net sentiment from the sums)."""
    time = f"metric_time__{_grain(grain)}"
    df = semantic.frame(con, Query.of(
        ("mentions", "positive_mentions", "neutral_mentions", "negative_mentions", "net_sentiment"),
        (time,), (Where("mention_hour__brand", "=", brand), _period(start, end))))
    return df.rename(columns={time: "bucket"})


@cached
def share_of_voice_series(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date,
                          grain: str = "day") -> pd.DataFrame:
    """Each brand of the brand's industry mentioned in the period: its share of voice per bucket
    (the metric, pooled over the bucket's hours; 0 in a bucket where its peers were mentioned and
    it was not)."""
    columns = ["brand", "bucket", "mentions", "share_of_voice"]
    industry = con.execute("select industry from seeds.brands where brand = ?", [brand]).fetchone()
    if industry is None or not _has_table(con, "marts.agg_share_of_voice_hourly"):
        return pd.DataFrame(columns=columns)
    time = f"metric_time__{_grain(grain)}"
    where = (Where("voice_hour__industry", "=", industry[0]), _period(start, end))
    # the industry's brands mentioned in the period: a brand of the seed nobody mentioned has no line
    totals = semantic.frame(con, Query.of(("share_of_voice_mentions",), ("voice_hour__brand",), where))
    mentioned = totals.loc[totals["share_of_voice_mentions"] > 0, "voice_hour__brand"].tolist()
    df = semantic.frame(con, Query.of(
        ("share_of_voice_mentions", "share_of_voice"), (time, "voice_hour__brand"),
        (*where, Where("voice_hour__brand", "in", mentioned))))
    df = df.rename(columns={time: "bucket", "voice_hour__brand": "brand",
                            "share_of_voice_mentions": "mentions"})
    return df.sort_values(["bucket", "brand"]).reset_index(drop=True)[columns]


@cached
def crisis_episodes(con: duckdb.DuckDBPyConnection, brands: list[str] | None, start: date,
                    end: date) -> pd.DataFrame:
    """Episodes overlapping the period, newest first, with their most engaging post."""
    if not _has_table(con, EPISODES_MART):
        return pd.DataFrame(columns=list(EPISODE_COLUMNS))
    brand_filter, params = _any_of("brand", brands)
    return con.execute(f"""
        select episode_id, brand, kind, start_at, peak_at, end_at, duration_hours,
               peak_negative_mentions, negative_mentions, dominant_complaint_type, hashtag,
               top_posts[1].text as top_post
        from {EPISODES_MART}
        where start_at < ? + interval 1 day and end_at > ?{brand_filter}
        order by start_at desc, episode_id""", [end, start, *params]).df()


FEEDBACK_MART = "marts.fct_feedback_actions"  # the semantic model feedback_action
FEEDBACK_COLUMNS = ("topic", "owner_department", "actions", "feedback_items", "actions_closed",
                    "actions_open", "closure_rate", "median_hours_to_action", "median_hours_to_close")


@cached
def feedback_loop(con: duckdb.DuckDBPyConnection, brand: str) -> tuple[dict, pd.DataFrame]:
    """The brand's feedback loop, all time (no period applies): totals, with the closure rate
    pooled from the sums, and the rows per topic and department, slowest first."""
    empty = {"actions": None, "actions_closed": None, "actions_open": None, "closure_rate": None}
    if not _has_table(con, FEEDBACK_MART):
        return empty, pd.DataFrame(columns=list(FEEDBACK_COLUMNS))
    names = {"feedback_actions": "actions", "feedback_items": "feedback_items",
             "closed_actions": "actions_closed", "open_actions": "actions_open",
             "closure_rate": "closure_rate", "median_hours_to_action": "median_hours_to_action",
             "median_hours_to_close": "median_hours_to_close"}
    mine = (Where("feedback_action__brand", "=", brand),)
    totals = semantic.row(con, Query.of(("feedback_actions", "closed_actions", "open_actions",
                                         "closure_rate"), where=mine))
    rows = semantic.frame(con, Query.of(names, ("feedback_action__complaint_topic",
                                                "feedback_action__owner_department"), mine))
    rows = rows.rename(columns={"feedback_action__complaint_topic": "topic",
                                "feedback_action__owner_department": "owner_department", **names})
    rows = rows[rows.actions > 0].sort_values(
        ["closure_rate", "actions", "topic", "owner_department"], ascending=[True, False, True, True],
        na_position="last").reset_index(drop=True)[list(FEEDBACK_COLUMNS)]
    if not totals["feedback_actions"]:
        return empty, rows
    return {names[k]: v for k, v in totals.items()}, rows


# --- Influencers -------------------------------------------------------------------------------

INFLUENCERS_MART = "marts.dim_influencers"
INFLUENCER_ROLES = {"all": None, "evangelist_candidate": "evangelist_candidate",
                    "detractor_watch": "detractor_watch"}
INFLUENCER_LIMIT = 500
INFLUENCER_COLUMNS = ("influence_rank", "platform", "author_id", "author_handle", "program_role", "stance",
                      "influence_score", "reach", "engagement_received", "mentions", "avg_sentiment",
                      "active_weeks", "consistency", "last_mentioned_at")
PROFILE_LIMIT = 200


@cached
def influencer_brands(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Brands with scored authors, the company's own first."""
    if not _has_table(con, INFLUENCERS_MART):
        return []
    return [r[0] for r in con.execute(f"""
        select i.brand from (select distinct brand from {INFLUENCERS_MART}) as i
        left join seeds.brands as b using (brand)
        order by coalesce(not b.is_competitor, false) desc, i.brand""").fetchall()]


@cached
def influencers(con: duckdb.DuckDBPyConnection, brand: str, role: str = "all",
                limit: int = INFLUENCER_LIMIT) -> pd.DataFrame:
    """The brand's authors by influence rank, all or one programme role, at most ``limit``."""
    if role not in INFLUENCER_ROLES:
        raise ValueError(f"role must be one of {', '.join(INFLUENCER_ROLES)}")
    where, params = "brand = ?", [brand]
    if INFLUENCER_ROLES[role]:
        where, params = where + " and program_role = ?", [*params, INFLUENCER_ROLES[role]]
    return con.execute(f"select {', '.join(INFLUENCER_COLUMNS)} from {INFLUENCERS_MART} "
                       f"where {where} order by influence_rank limit ?", [*params, int(limit)]).df()


def influencer(con: duckdb.DuckDBPyConnection, brand: str, platform: str, author_id: str) -> pd.DataFrame:
    """One author's row of the brand's ranking (no row when the snapshot has none): what a profile
    shows, read from the mart, never from the row the browser sent back."""
    return con.execute(f"select {', '.join(INFLUENCER_COLUMNS)} from {INFLUENCERS_MART} "
                       "where brand = ? and platform = ? and author_id = ? limit 1",
                       [brand, platform, author_id]).df()


def influencer_mentions(con: duckdb.DuckDBPyConnection, brand: str, platform: str, author_id: str,
                        limit: int = PROFILE_LIMIT) -> pd.DataFrame:
    """One author's mentions of the brand, newest first (the profile drill-down)."""
    return con.execute("""
        select mentioned_at, sentiment_label, round(sentiment_score, 3) as sentiment_score,
               complaint_type, coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) as engagement,
               text, mention_id
        from marts.fct_mentions
        where brand = ? and platform = ? and author_id = ?
        order by mentioned_at desc, mention_id limit ?""", [brand, platform, author_id, int(limit)]).df()


# --- Content -------------------------------------------------------------------------------------

CONTENT_MART = "marts.agg_content_performance"
CONTENT_DIMENSIONS = {"content_type": "content_type", "posting_weekday": "posting_weekday",
                      "posting_hour": "posting_hour"}


@cached
def content_options(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(brands, platforms) of the content mart; empty when the snapshot has none."""
    if not _has_table(con, CONTENT_MART):
        return [], []

    def distinct(column: str) -> list[str]:
        sql = f"select distinct {column} from {CONTENT_MART} order by 1"
        return [r[0] for r in con.execute(sql).fetchall()]

    return distinct("brand"), distinct("platform")


@cached
def content_by(con: duckdb.DuckDBPyConnection, dimensions: list[str], brands: list[str] | None,
               platforms: list[str] | None) -> pd.DataFrame:
    """Posts and the pooled engagement rate by the given dimensions (sums, then the ratio)."""
    columns = [CONTENT_DIMENSIONS[d] for d in dimensions]  # only the code's own names reach SQL
    where = []
    if brands:
        where.append(Where("post__brand", "in", [str(b) for b in brands]))
    if platforms:
        where.append(Where("post__platform", "in", [str(p) for p in platforms]))
    names = {"posts": "posts", "posts_with_impressions": "posts_with_impressions",
             "impressions_with_engagement_rate": "impressions",
             "engagements_with_impressions": "engagements_with_impressions",
             "engagement_rate": "engagement_rate"}
    df = semantic.frame(con, Query.of(names, tuple(f"post__{c}" for c in columns), where))
    return df.rename(columns={**{f"post__{c}": c for c in columns}, **names})


# --- Maturity ----------------------------------------------------------------------------------

STAGE_MART = "marts.fct_maturity_stage"
ASSESSMENT_MART = "marts.fct_maturity_assessment"
STAGE_COLUMNS = ("business_unit", "brand", "stage", "previous_stage", "change", "criteria_passed",
                 "criteria_assessed", "is_survey_missing", "evidence_note")
CHECKLIST_COLUMNS = ("criterion", "dimension", "signal", "measured_value", "operator", "threshold",
                     "passed", "evidence_source", "description")


@cached
def maturity_quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Assessed quarters, latest first (empty before the mart exists or has rows)."""
    if not _has_table(con, STAGE_MART):
        return []
    return [r[0] for r in con.execute(
        f"select distinct quarter, quarter_start from {STAGE_MART} order by quarter_start desc").fetchall()]


@cached
def maturity_stages(con: duckdb.DuckDBPyConnection, quarter: str) -> pd.DataFrame:
    """Each unit's stage in the quarter, the most mature first."""
    return con.execute(f"select {', '.join(STAGE_COLUMNS)} from {STAGE_MART} where quarter = ? "
                       "order by stage_rank desc, business_unit", [quarter]).df()


@cached
def maturity_dimensions(con: duckdb.DuckDBPyConnection, quarter: str) -> pd.DataFrame:
    """Per unit and dimension: criteria passed / criteria assessed (applicable), every stage's."""
    names = {"criteria_passed": "passed", "criteria_assessed": "assessed",
             "criteria_passed_share": "passed_share"}
    df = semantic.frame(con, Query.of(
        names, ("maturity_criterion__business_unit", "maturity_criterion__dimension"),
        (Where("maturity_criterion__year_quarter", "=", quarter),)))
    return df.rename(columns={"maturity_criterion__business_unit": "business_unit",
                              "maturity_criterion__dimension": "dimension", **names})


@cached
def maturity_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every unit's stage, quarter by quarter."""
    return con.execute(f"select business_unit, quarter, quarter_start, stage, stage_rank from {STAGE_MART} "
                       "order by business_unit, quarter_start").df()


@cached
def maturity_checklist(con: duckdb.DuckDBPyConnection, unit: str, quarter: str) -> tuple[dict, pd.DataFrame]:
    """The unit's stage and every criterion of its next stage, failed first."""
    row = con.execute(f"select stage, next_stage, stage_rank from {STAGE_MART} "
                      "where business_unit = ? and quarter = ?", [unit, quarter]).fetchone()
    if row is None:
        return {"stage": None, "next_stage": None}, pd.DataFrame(columns=list(CHECKLIST_COLUMNS))
    stage, next_stage, rank = row
    rows = con.execute(f"""
        select {', '.join(CHECKLIST_COLUMNS)} from {ASSESSMENT_MART}
        where business_unit = ? and quarter = ? and stage_rank = ?
        order by passed nulls last, criterion""", [unit, quarter, rank + 1]).df()
    return {"stage": stage, "next_stage": next_stage}, rows


# --- Data health ---------------------------------------------------------------------------------
# The snapshot's ops schema (groundswell.ops): what each run landed, set aside, tested and validated.

HEALTH_TABLES = ("ops.source_freshness", "ops.pipeline_runs", "ops.quarantine_summary",
                 "ops.validation_results", "ops.dbt_results", "ops.alerts")
FRESHNESS_COLUMNS = ("source_name", "table_name", "status", "max_loaded_at", "age_hours",
                     "warn_after_hours", "error_after_hours", "checked_at")
RUN_COLUMNS = ("dag_id", "run_id", "started_at", "finished_at", "rows_received", "rows_landed",
               "rows_quarantined", "models_built", "models_failed", "tests_run", "tests_failed",
               "suites_run", "suites_failed", "gate_passed")


def health_available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the snapshot carries the ops tables (one published before they existed does not)."""
    return all(_has_table(con, t) for t in HEALTH_TABLES)


def health_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """The snapshot's age and gate, the sources per freshness status, the latest build's tests."""
    snapshot_at, run_id = con.execute("select snapshot_at, run_id from meta.snapshot").fetchone()
    statuses = dict(con.execute(f"""
        select status, count(*) from ({_LATEST_FRESHNESS}) group by status""").fetchall())
    suites, suites_failed = con.execute(
        "select count(*), count(*) filter (where not success) from ops.validation_results "
        "where run_id = ?", [run_id]).fetchone()
    # The latest run that ran tests: a build, possibly in several dbt invocations (one per task).
    tests = con.execute("""
        select run_id, count(*), count(*) filter (where status in ('fail', 'error'))
        from ops.dbt_results
        where resource_type in ('test', 'unit_test')
          and run_id = (select arg_max(run_id, recorded_at) from ops.dbt_results
                        where resource_type in ('test', 'unit_test'))
        group by run_id""").fetchone() or (None, 0, 0)
    quarantined_7d = con.execute("""
        select coalesce(sum(quarantined), 0) from ops.load_audit
        where finished_at >= (select max(finished_at) from ops.load_audit) - interval 7 day""").fetchone()[0]
    return {"snapshot_at": snapshot_at, "run_id": run_id, "freshness": statuses,
            "suites": suites, "suites_failed": suites_failed, "tests_run_id": tests[0],
            "tests_run": tests[1], "tests_failed": tests[2], "quarantined_7d": int(quarantined_7d)}


# Each source's latest freshness check.
_LATEST_FRESHNESS = """
    select * from ops.source_freshness
    qualify row_number() over (partition by source_name, table_name order by checked_at desc) = 1"""


def health_freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each source's latest check, the late ones first (error, warn, runtime error, pass)."""
    return con.execute(f"""
        select {', '.join(FRESHNESS_COLUMNS)} from ({_LATEST_FRESHNESS})
        order by case status when 'error' then 0 when 'runtime error' then 1 when 'warn' then 2
                 else 3 end, source_name, table_name""").df()


def health_runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest runs of every DAG (and CLI), newest first."""
    return con.execute(f"select {', '.join(RUN_COLUMNS)} from ops.pipeline_runs "
                       "order by finished_at desc nulls last limit ?", [int(limit)]).df()


def health_unknown_brands(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Records quarantined because the brand they name is not configured (the value contract of
    brand fields: docs/sources.md, "Value contracts"), per source and reason, the most first."""
    return con.execute("""
        select source, reason, records from ops.quarantine_summary
        where reason like ? order by records desc, source, reason""",
                       [f"% is not a brand of {BRAND_CONFIGURATION}:%"]).df()


def health_quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Records set aside per source and reason, the most first."""
    return con.execute("""
        select source, reason, records, first_quarantined_at, last_quarantined_at
        from ops.quarantine_summary order by records desc, source, reason""").df()


def health_coverage(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Brand × channel pairs with replies whose parent is not in the data, incomplete ones first
    (agg_care_coverage); empty for a snapshot published before the mart."""
    if not _has_table(con, COVERAGE_MART):
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    return con.execute(f"select {', '.join(COVERAGE_COLUMNS)} from {COVERAGE_MART} "
                       "where orphan_replies > 0 order by threads_incomplete desc, orphan_replies desc, "
                       f"brand, channel limit {int(limit)}").df()


def health_coverage_batches(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest batches that brought orphan replies, per brand and channel
    (agg_care_coverage_batches)."""
    if not _has_table(con, "marts.agg_care_coverage_batches"):
        return pd.DataFrame()
    return con.execute(
        "select _loaded_at as loaded_at, source, _batch_id as batch_id, brand, channel, brand_replies, "
        "orphan_replies from marts.agg_care_coverage_batches where orphan_replies > 0 "
        f"order by _loaded_at desc, orphan_replies desc, brand, channel limit {int(limit)}").df()


def health_gate(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The validation suites of the run that published this snapshot, failed first."""
    return con.execute("""
        select suite, success, rows_checked, failed_expectations, validated_at
        from ops.validation_results
        where run_id = (select run_id from meta.snapshot)
        order by success, suite""").df()


def health_failures(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """dbt nodes that failed, errored or warned, newest first."""
    return con.execute("""
        select recorded_at, dag_id, run_id, resource_type, unique_id, status, failures, message
        from ops.dbt_results where status in ('error', 'fail', 'warn')
        order by recorded_at desc, unique_id limit ?""", [int(limit)]).df()


def health_alerts(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Alerts sent (crisis episodes, failed tasks), newest first."""
    return con.execute("select created_at, kind, channel, subject from ops.alerts "
                       "order by created_at desc, alert_key limit ?", [int(limit)]).df()


# --- Analyst corrections: the rows an analyst corrects (groundswell.corrections) ---------------

MENTIONS_MART = "marts.fct_mentions"
#: Rows the mentions grid shows at most (the page says when there are more).
MENTION_LIMIT = 500
#: How the mentions grid is ordered, by the name the UI uses: the most negative first (VADER's
#: sentiment_score; an analyst's label beside a score the rules gave, unscored mentions last), or
#: the most recent first.
MENTION_ORDERS = {
    "negative": "sentiment_score asc nulls last, mentioned_at desc, mention_id",
    "recent": "mentioned_at desc, mention_id",
}
#: The record a mention's labels belong to: the raw table (`source`) and its key there. An airline
#: tweet's mention_id is its tweet_id prefixed `x-` (dbt/models/marts/fct_mentions.sql).
MENTION_RECORD_ID = ("case source when 'airline_sentiment__tweets' then substr(mention_id, 3) "
                     "else mention_id end")
#: What the mentions grid shows of each mention.
MENTION_COLUMNS = ("mentioned_at", "platform", "sentiment_label", "sentiment_score", "complaint_type",
                   "complaint_topic", "label_source", "text", "engagement", "mention_id", "source")
#: The labels an analyst corrects, and who set them (`label_source`: analyst, rules or model).
LABEL_COLUMNS = ("sentiment_label", "complaint_type", "complaint_topic", "label_source")
NO_TOPIC = "other"


def _has_column(con: duckdb.DuckDBPyConnection, qualified: str, column: str) -> bool:
    """Whether the snapshot's table has the column (a snapshot built before it was added has not)."""
    schema, table = qualified.split(".")
    return con.execute("select count(*) from duckdb_columns() where schema_name = ? and table_name = ? "
                       "and column_name = ?", [schema, table, column]).fetchone()[0] > 0


def _label_source(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The mart's label_source, NULL for a snapshot built before corrections."""
    return "label_source" if _has_column(con, mart, "label_source") else "null::varchar as label_source"


def _mentions_where(brand: str, start: date, end: date) -> tuple[str, list]:
    return "brand = ? and mentioned_at >= ? and mentioned_at < ? + interval 1 day", [brand, start, end]


@cached
def mention_count(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date) -> int:
    """The brand's mentions in the period (UTC days, inclusive): all, where the grid shows at most
    MENTION_LIMIT."""
    if not _has_table(con, MENTIONS_MART):
        return 0
    where, params = _mentions_where(brand, start, end)
    return con.execute(f"select count(*) from {MENTIONS_MART} where {where}", params).fetchone()[0]


def mentions(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date, order: str = "negative",
             limit: int = MENTION_LIMIT) -> pd.DataFrame:
    """The brand's mentions in the period, ordered as MENTION_ORDERS says, at most ``limit``."""
    if order not in MENTION_ORDERS:
        raise ValueError(f"order must be one of {', '.join(MENTION_ORDERS)}")
    if not _has_table(con, MENTIONS_MART):
        return pd.DataFrame(columns=list(MENTION_COLUMNS))
    where, params = _mentions_where(brand, start, end)
    return con.execute(f"""
        select mentioned_at, platform, sentiment_label, round(sentiment_score, 3) as sentiment_score,
               complaint_type, complaint_topic, {_label_source(con, MENTIONS_MART)}, text,
               coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) as engagement,
               mention_id, source
        from {MENTIONS_MART}
        where {where}
        order by {MENTION_ORDERS[order]}
        limit ?""", [*params, int(limit)]).df()


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
    if not _has_table(con, mart):
        return None
    at, text = ("mentioned_at", "text") if mart == MENTIONS_MART else ("received_at", "null::varchar")
    df = con.execute(f"""
        select brand, {at} as at, source, {record_id} as record_id, sentiment_label, complaint_type,
               complaint_topic, {_label_source(con, mart)}, {text} as text
        from {mart} where source = ? and {id_column} = ? limit 1""", [source, str(message_id)]).df()
    return None if df.empty else df.astype(object).where(df.notna(), None).iloc[0].to_dict()


@cached
def correction_topics(con: duckdb.DuckDBPyConnection, brand: str | None = None) -> list[str]:
    """The complaint topics a correction may set (seeds.complaint_topics, then ``other``): those of
    the brand's industry and of every industry (``any``), as enrichment matches them; every topic
    when ``brand`` is None or its industry has no topics of its own (care's support handles)."""
    if not _has_table(con, "seeds.complaint_topics"):
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


# -- agreement of the labels with analysts ---------------------------------------------------------

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
    """Agreement over the brands (None: all) and channels, all time: sum(agreed) / sum(reviewed)."""
    if domain not in AGREEMENT_DOMAINS:
        raise ValueError(f"domain must be one of {', '.join(AGREEMENT_DOMAINS)}")
    if not _has_table(con, AGREEMENT_MART):
        return Agreement({}, {}, False)
    brand_sql, brand_params = _any_of("brand", list(brands) if brands else None)
    channel_sql, channel_params = _any_of("channel", list(channels) if channels else None)
    rows = con.execute(f"""
        select label, analyst_label, sum(reviewed)::bigint, sum(agreed) / sum(reviewed)
        from {AGREEMENT_MART} where domain = ?{brand_sql}{channel_sql}
        group by grouping sets ((label), (label, analyst_label))
        having sum(reviewed) > 0
        order by label, analyst_label nulls first""", [domain, *brand_params, *channel_params]).fetchall()
    labels = {label: (n, share) for label, value, n, share in rows if value is None}
    types = {value: (n, share) for label, value, n, share in rows
             if label == "complaint_type" and value is not None}
    learned = _has_table(con, "ops.label_models") and con.execute(f"""
        select count(*) > 0 from ops.label_models as m
        where m.kind = 'sentiment' and m.industry in (
            select industry from seeds.brands where true{brand_sql})""", brand_params).fetchone()[0]
    return Agreement(labels, types, bool(learned))
