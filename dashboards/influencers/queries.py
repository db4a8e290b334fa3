"""The influencers page's queries: the semantic layer's metrics and the rows it shows, for the
page's filters."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboards.data import cached
from dashboards.shared.queries import has_column, has_table

INFLUENCERS_MART = "marts.dim_influencers"
INFLUENCER_ROLES = {"all": None, "evangelist_candidate": "evangelist_candidate",
                    "detractor_watch": "detractor_watch"}
#: Rows a CSV export of one list holds at most.
EXPORT_LIMIT = 100_000
#: What the ranked table shows: ``list_rank`` (the rank within the list shown: no gaps),
#: ``influence_rank`` (among all the brand's authors), and the public handle when there is one.
INFLUENCER_COLUMNS = ("list_rank", "influence_rank", "public_handle", "platform", "author_id", "program_role",
                      "stance", "influence_score", "reach", "engagement_received", "mentions",
                      "avg_sentiment", "active_weeks", "consistency", "last_mentioned_at")
PROFILE_LIMIT = 200


@cached
def influencer_brands(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Brands with scored authors, the company's own first."""
    if not has_table(con, INFLUENCERS_MART):
        return []
    return [r[0] for r in con.execute(f"""
        select i.brand from (select distinct brand from {INFLUENCERS_MART}) as i
        left join seeds.brands as b using (brand)
        order by coalesce(not b.is_competitor, false) desc, i.brand""").fetchall()]


def _list(con: duckdb.DuckDBPyConnection, brand: str, role: str) -> tuple[str, list]:
    """The brand's authors of one list, ranked within it (``list_rank``: 1, 2, 3... without the
    gaps the other lists' authors leave in ``influence_rank``)."""
    if role not in INFLUENCER_ROLES:
        raise ValueError(f"role must be one of {', '.join(INFLUENCER_ROLES)}")
    where, params = "brand = ?", [brand]
    if INFLUENCER_ROLES[role]:
        where, params = where + " and program_role = ?", [*params, INFLUENCER_ROLES[role]]
    # a snapshot published before public handles has none to show
    handle = ("public_handle" if has_column(con, INFLUENCERS_MART, "public_handle")
              else "null::varchar as public_handle")
    columns = ", ".join(handle if c == "public_handle" else c for c in INFLUENCER_COLUMNS if c != "list_rank")
    return (f"select row_number() over (order by influence_rank) as list_rank, {columns} "
            f"from {INFLUENCERS_MART} where {where}"), params


@cached
def influencer_count(con: duckdb.DuckDBPyConnection, brand: str, role: str = "all") -> int:
    """How many authors one list of the brand holds."""
    sql, params = _list(con, brand, role)
    return int(con.execute(f"select count(*) from ({sql})", params).fetchone()[0])


def influencers(con: duckdb.DuckDBPyConnection, brand: str, role: str = "all", offset: int = 0,
                limit: int = EXPORT_LIMIT, sort: list[dict] | None = None) -> pd.DataFrame:
    """Rows ``offset`` to ``offset + limit`` of one list of the brand's authors, by rank within it
    unless ``sort`` (AG Grid's sort model: colId among INFLUENCER_COLUMNS, asc or desc) says
    otherwise; the table pages through the whole list this way."""
    sql, params = _list(con, brand, role)
    order = [f"{s['colId']} {'desc' if s.get('sort') == 'desc' else 'asc'} nulls last"
             for s in sort or [] if s.get("colId") in INFLUENCER_COLUMNS]
    return con.execute(f"select * from ({sql}) order by {', '.join([*order, 'list_rank'])} "
                       "limit ? offset ?", [*params, max(0, int(limit)), max(0, int(offset))]).df()


def influencer(con: duckdb.DuckDBPyConnection, brand: str, platform: str, author_id: str) -> pd.DataFrame:
    """One author's row of the brand's ranking (no row when the snapshot has none): what a profile
    shows, read from the mart, never from the row the browser sent back."""
    sql, params = _list(con, brand, "all")
    return con.execute(f"select * from ({sql}) where platform = ? and author_id = ? limit 1",
                       [*params, platform, author_id]).df()


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
