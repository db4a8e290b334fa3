"""The listening page's queries: the semantic layer's metrics and the rows it shows, for the page's
filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from dashboards.shared.queries import MENTIONS_MART, any_of, has_table, label_source

HOURLY_MART = "marts.agg_mentions_hourly"
EPISODES_MART = "marts.fct_crisis_episodes"
EPISODE_DAYS_MART = "marts.fct_crisis_episode_days"  # the semantic model crisis_episode_day
LISTENING_GRAINS = {"hour": "hour", "day": "day"}
#: Days of hours the hourly chart shows at most (the period's last ones): 168 bars stay readable,
#: 2,000 do not.
HOURLY_WINDOW_DAYS = 7


def chart_window(start: date, end: date, grain: str) -> date:
    """The first day the volume chart shows: the period's, or at the hourly grain the first of
    its last HOURLY_WINDOW_DAYS days (the cards still count the whole period)."""
    if grain != "hour":
        return start
    return max(start, end - timedelta(days=HOURLY_WINDOW_DAYS - 1))
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
    if not has_table(con, HOURLY_MART):
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
    the crisis episodes overlapping the period (each once)."""
    mine = semantic.row(con, Query.of(("mentions", "negative_share", "net_sentiment"),
                                      where=(Where("mention_hour__brand", "=", brand), _period(start, end))))
    voice = {"share_of_voice": None}
    if has_table(con, "marts.agg_share_of_voice_hourly"):
        voice = semantic.row(con, Query.of(("share_of_voice",), where=(
            Where("voice_hour__brand", "=", brand), _period(start, end))))
    episodes = {"crisis_episodes": None}  # not published: unknown, not zero
    if has_table(con, EPISODE_DAYS_MART):  # the episodes overlapping the period, as the table lists them
        episodes = semantic.row(con, Query.of(("crisis_episodes",), where=(
            Where("crisis_episode_day__brand", "=", brand), _period(start, end))))
    return {**mine, **voice, **episodes}


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
    if industry is None or not has_table(con, "marts.agg_share_of_voice_hourly"):
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
    if not has_table(con, EPISODES_MART):
        return pd.DataFrame(columns=list(EPISODE_COLUMNS))
    brand_filter, params = any_of("brand", brands)
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
    if not has_table(con, FEEDBACK_MART):
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


#: Rows the mentions grid shows at most (the page says when there are more).
MENTION_LIMIT = 500
#: How the mentions grid is ordered, by the name the UI uses: the most negative first (VADER's
#: sentiment_score; an analyst's label beside a score the rules gave, unscored mentions last), or
#: the most recent first.
MENTION_ORDERS = {
    "negative": "sentiment_score asc nulls last, mentioned_at desc, mention_id",
    "recent": "mentioned_at desc, mention_id",
}


#: What the mentions grid shows of each mention.
MENTION_COLUMNS = ("mentioned_at", "platform", "sentiment_label", "sentiment_score", "complaint_type",
                   "complaint_topic", "label_source", "text", "engagement", "mention_id", "source")
#: The labels an analyst corrects, and who set them (`label_source`: analyst, rules or model).
LABEL_COLUMNS = ("sentiment_label", "complaint_type", "complaint_topic", "label_source")


def _mentions_where(brand: str, start: date, end: date) -> tuple[str, list]:
    return "brand = ? and mentioned_at >= ? and mentioned_at < ? + interval 1 day", [brand, start, end]


@cached
def mention_count(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date) -> int:
    """The brand's mentions in the period (UTC days, inclusive): all, where the grid shows at most
    MENTION_LIMIT."""
    if not has_table(con, MENTIONS_MART):
        return 0
    where, params = _mentions_where(brand, start, end)
    return con.execute(f"select count(*) from {MENTIONS_MART} where {where}", params).fetchone()[0]


def mentions(con: duckdb.DuckDBPyConnection, brand: str, start: date, end: date, order: str = "negative",
             limit: int = MENTION_LIMIT) -> pd.DataFrame:
    """The brand's mentions in the period, ordered as MENTION_ORDERS says, at most ``limit``."""
    if order not in MENTION_ORDERS:
        raise ValueError(f"order must be one of {', '.join(MENTION_ORDERS)}")
    if not has_table(con, MENTIONS_MART):
        return pd.DataFrame(columns=list(MENTION_COLUMNS))
    where, params = _mentions_where(brand, start, end)
    return con.execute(f"""
        select mentioned_at, platform, sentiment_label, round(sentiment_score, 3) as sentiment_score,
               complaint_type, complaint_topic, {label_source(con, MENTIONS_MART)}, text,
               coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) as engagement,
               mention_id, source
        from {MENTIONS_MART}
        where {where}
        order by {MENTION_ORDERS[order]}
        limit ?""", [*params, int(limit)]).df()
