"""The overview page's queries: the semantic layer's metrics and the rows it shows, for the page's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from dashboards.shared.queries import any_of

#: Time grains the UI may ask for.
GRAINS = ("day", "week", "month")


def _posts_where(start: date, end: date, brands: list[str] | None) -> tuple[str, list]:
    sql, params = any_of("brand", brands)
    return "posted_date between ? and ?" + sql, [start, end, *params]


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


#: The metrics of the Overview page (dbt/models/marts/content/fct_post_performance.yml).
POST_METRICS = ("posts", "impressions", "engagements", "engagement_rate")


def post_filters(start: date, end: date, brands: list[str] | None) -> tuple[Where, ...]:
    where = [Where("metric_time__day", "between", (start, end))]
    if brands:
        where.append(Where("post__brand", "in", [str(b) for b in brands]))
    return tuple(where)


@cached
def kpis(con: duckdb.DuckDBPyConnection, start: date, end: date,
         brands: list[str] | None = None) -> dict:
    """Posts, impressions, engagements and engagement rate of the period (docs/metrics.md)."""
    return semantic.row(con, Query.of(POST_METRICS, where=post_filters(start, end, brands)))


@cached
def engagement_by_platform(con: duckdb.DuckDBPyConnection, start: date, end: date,
                           brands: list[str] | None = None, grain: str = "week") -> pd.DataFrame:
    """Engagements, impressions and posts per platform and period start."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    time = f"metric_time__{grain}"
    df = semantic.frame(con, Query.of(POST_METRICS, (time, "post__platform"),
                                      post_filters(start, end, brands)))
    return df.rename(columns={time: "period_start", "post__platform": "platform"})


@cached
def top_posts(con: duckdb.DuckDBPyConnection, start: date, end: date,
              brands: list[str] | None = None, limit: int = 100) -> pd.DataFrame:
    """The period's posts with the most engagements (ties: the newer first)."""
    where, params = _posts_where(start, end, brands)
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
