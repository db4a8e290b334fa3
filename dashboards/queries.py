"""Pure query functions: a connection and filter values in, a DataFrame or dict out.

Values always travel as bound parameters; identifiers chosen in the UI (the
time grain) go through an allowlist.  Metric definitions: docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

#: Time grains the UI may ask for, mapped to the dim_date column that holds them.
GRAINS = {"day": "date_day", "week": "week_start", "month": "month_start"}


@dataclass(frozen=True)
class OverviewOptions:
    first_date: date | None
    last_date: date | None
    brands: list[str]
    snapshot_at: object | None


def overview_options(con: duckdb.DuckDBPyConnection) -> OverviewOptions:
    first, last = con.execute(
        "select min(posted_date), max(posted_date) from marts.fct_post_performance"
    ).fetchone()
    brands = [r[0] for r in con.execute(
        "select distinct brand from marts.fct_post_performance order by brand").fetchall()]
    snap = con.execute("select max(snapshot_at) from meta.snapshot").fetchone()[0]
    return OverviewOptions(first, last, brands, snap)


def _where(start: date, end: date, brands: list[str] | None) -> tuple[str, list]:
    sql = "posted_date between ? and ?"
    params: list = [start, end]
    if brands:
        sql += " and list_contains(?, brand)"
        params.append(list(brands))
    return sql, params


def kpis(con: duckdb.DuckDBPyConnection, start: date, end: date,
         brands: list[str] | None = None) -> dict:
    """Posts, impressions, engagements and engagement rate of the period (docs/metrics.md)."""
    where, params = _where(start, end, brands)
    posts, impressions, engagements, rate = con.execute(
        f"""
        select
            count(*) as posts,
            coalesce(sum(impressions), 0) as impressions,
            coalesce(sum(engagements), 0) as engagements,
            -- aggregate engagement rate: over posts whose impressions are known and positive
            sum(engagements) filter (where impressions > 0)
                / nullif(sum(impressions) filter (where impressions > 0), 0) as engagement_rate
        from marts.fct_post_performance
        where {where}
        """,
        params,
    ).fetchone()
    return {"posts": posts, "impressions": int(impressions), "engagements": int(engagements),
            "engagement_rate": rate}


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length that ends the day before ``start``."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def engagement_by_platform(con: duckdb.DuckDBPyConnection, start: date, end: date,
                           brands: list[str] | None = None, grain: str = "week") -> pd.DataFrame:
    """Engagements, impressions and posts per platform and period start."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    period = GRAINS[grain]
    where, params = _where(start, end, brands)
    return con.execute(
        f"""
        select
            d.{period} as period_start,
            f.platform,
            count(*) as posts,
            sum(f.impressions) as impressions,
            sum(f.engagements) as engagements,
            sum(f.engagements) filter (where f.impressions > 0)
                / nullif(sum(f.impressions) filter (where f.impressions > 0), 0)
                as engagement_rate
        from marts.fct_post_performance as f
        inner join marts.dim_date as d on d.date_day = f.posted_date
        where {where}
        group by all
        order by period_start, platform
        """,
        params,
    ).df()


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
