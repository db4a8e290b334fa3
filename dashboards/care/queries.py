"""The care page's queries: the semantic layer's metrics and the rows it shows, for the page's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from dashboards.shared.queries import CARE_MART, any_of, has_table

#: Messages a number on the care page is made of: each a fixed predicate on the mart, so a
#: drill-down (whatever a browser sends) can only choose among these.
MESSAGE_SETS = {
    "all": "true",
    "responded": "is_responded",
    "judged": "is_within_sla is not null",
    "within_sla": "is_within_sla",
    "breached": "is_within_sla = false",
    # the open backlog: unanswered and not expired (fct_care_messages.backlog_status)
    "open": "backlog_status in ('breached', 'in_time', 'no_sla')",
    "open_breached": "backlog_status = 'breached'",
    "open_in_time": "backlog_status = 'in_time'",
    "open_no_sla": "backlog_status = 'no_sla'",
    "expired": "is_expired",
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
            when is_expired then 'expired (never answered)'
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
    "sla_minutes", "is_within_sla", "sla_breach_at", "is_open", "open_business_minutes", "expires_at",
    "is_expired", "backlog_status", "as_of", "complaint_type", "complaint_topic", "recommended_response",
    "sentiment_score", "sentiment_label", "has_reply_before_message", "source_system", "source",
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
    if not has_table(con, CARE_MART):
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
    if not has_table(con, COVERAGE_MART):
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    brands, brand_params = any_of("brand", f.brands)
    channels, channel_params = any_of("channel", f.channels)
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
    brands, brand_params = any_of("brand", f.brands)
    channels, channel_params = any_of("channel", f.channels)
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


#: The care page's headline metrics (dbt/models/marts/care/fct_care_messages.yml), by the page's names.
CARE_KPIS = {"messages": "messages", "responded_messages": "responded", "sla_judged_messages": "judged",
             "sla_met_messages": "within_sla", "open_backlog": "open", "breached_backlog": "open_breached",
             "expired_messages": "expired",
             "median_first_response_business_minutes": "median_business_minutes",
             "median_first_response_minutes": "median_calendar_minutes",
             "p90_first_response_business_minutes": "p90_business_minutes",
             "response_rate": "response_rate", "sla_attainment": "sla_attainment"}
#: The weekly trend's metrics.
CARE_WEEKLY = {"messages": "messages", "responded_messages": "responded", "sla_judged_messages": "judged",
               "sla_met_messages": "within_sla", "response_rate": "response_rate",
               "sla_attainment": "sla_attainment"}


def _care_filters(f: CareFilters, entity: str = "care_message") -> tuple[Where, ...]:
    """The page's filters in the semantic layer's names, on the semantic model ``entity``
    (care_message: metric_time is received_at's UTC day; care_day: the brand's local day;
    care_conversation: opened_at's day)."""
    where = [Where("metric_time__day", "between", (f.start, f.end))]
    if f.brands:
        where.append(Where(f"{entity}__brand", "in", [str(v) for v in f.brands]))
    if f.channels:
        where.append(Where(f"{entity}__channel", "in", [str(v) for v in f.channels]))
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


#: Where an open message stands (fct_care_messages.backlog_status; NULL once answered).
OPEN_STATUSES = ("breached", "in_time", "no_sla")


@cached
def backlog_by_type(con: duckdb.DuckDBPyConnection, f: CareFilters) -> pd.DataFrame:
    """Open messages per complaint_type and SLA status (breached, in_time, no_sla), with how long
    they have waited."""
    names = {"open_backlog": "messages", "median_open_business_minutes": "median_open_business_minutes",
             "max_open_business_minutes": "max_open_business_minutes"}
    by = ("care_message__complaint_type", "care_message__backlog_status")
    open_only = Where("care_message__backlog_status", "in", list(OPEN_STATUSES))
    df = semantic.frame(con, Query.of(names, by, (*_care_filters(f), open_only)))
    df = df.rename(columns={"care_message__complaint_type": "complaint_type",
                            "care_message__backlog_status": "sla_status", **names})
    return df[["complaint_type", "sla_status", *names.values()]]


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
    end and the part of it over its SLA. Empty for a snapshot without the mart."""
    names = {"backlog_at_day_end": "backlog", "breached_backlog_at_day_end": "backlog_over_sla"}
    if not has_table(con, DAILY_MART):
        return pd.DataFrame(columns=["date_day", *names.values()])
    df = semantic.frame(con, Query.of(names, ("metric_time__day",), _care_filters(f, "care_day")))
    df = df.rename(columns={"metric_time__day": "date_day", **names})
    df["date_day"] = pd.to_datetime(df["date_day"]).dt.date
    return df[["date_day", *names.values()]]


def backlog_at_end(daily: pd.DataFrame) -> dict:
    """The backlog card: the last point of the daily backlog chart (``backlog_by_day``), so the
    card and the chart beside it cannot disagree. None for a period without a day."""
    if daily.empty:
        return {"date_day": None, "backlog": None, "backlog_over_sla": None}
    last = daily.sort_values("date_day").iloc[-1]
    return {"date_day": last["date_day"], "backlog": int(last["backlog"]),
            "backlog_over_sla": int(last["backlog_over_sla"])}


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
    if not has_table(con, CONVERSATIONS_MART):
        return dict.fromkeys(names.values())
    got = semantic.row(con, Query.of(names, where=_care_filters(f, "care_conversation")))
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
