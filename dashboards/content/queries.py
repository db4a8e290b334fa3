"""The content page's queries: the semantic layer's metrics and the rows it shows, for the page's filters."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from dashboards.shared.queries import has_table

CONTENT_MART = "marts.agg_content_performance"
POSTS_MART = "marts.fct_post_performance"  # the semantic model post, whose metric_time is posted_date
CONTENT_DIMENSIONS = {"content_type": "content_type", "posting_weekday": "posting_weekday",
                      "posting_hour": "posting_hour"}


@cached
def content_options(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(brands, platforms) of the content mart; empty when the snapshot has none."""
    if not has_table(con, CONTENT_MART):
        return [], []

    def distinct(column: str) -> list[str]:
        sql = f"select distinct {column} from {CONTENT_MART} order by 1"
        return [r[0] for r in con.execute(sql).fetchall()]

    return distinct("brand"), distinct("platform")


@cached
def content_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The first and last UTC posting day of the posts (the date filter's range)."""
    if not has_table(con, POSTS_MART):
        return None, None
    return con.execute(f"select min(posted_date), max(posted_date) from {POSTS_MART}").fetchone()


@cached
def content_by(con: duckdb.DuckDBPyConnection, dimensions: list[str], brands: list[str] | None,
               platforms: list[str] | None, start: date | None = None,
               end: date | None = None) -> pd.DataFrame:
    """Posts and the pooled engagement rate by the given dimensions (sums, then the ratio), of
    the posts published between ``start`` and ``end`` (UTC days; None: all)."""
    columns = [CONTENT_DIMENSIONS[d] for d in dimensions]  # only the code's own names reach SQL
    where = []
    if start is not None and end is not None:
        where.append(Where("metric_time__day", "between", (start, end)))
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
