"""The influencers page's queries: the semantic layer's metrics and the rows it shows, for the
page's filters."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboards.data import cached
from dashboards.shared.queries import has_table

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
    if not has_table(con, INFLUENCERS_MART):
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
