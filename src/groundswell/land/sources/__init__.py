"""Source families: each module holds a raw contract and how its files are read."""

from __future__ import annotations

from groundswell.land.sources import (
    community,
    corrections,
    costs,
    crm,
    facebook,
    feedback,
    fivetran,
    instagram,
    kaggle,
    linkedin,
    listening,
    survey,
    web,
    x,
    youtube,
)
from groundswell.land.sources.base import Field, Source

SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        # owned posts and conversations, from the platforms' APIs
        x.TWEETS, x.FOLLOWERS, facebook.POSTS, facebook.COMMENTS, facebook.MESSAGES, instagram.MEDIA,
        linkedin.POSTS, linkedin.SHARE_STATISTICS, youtube.VIDEOS, youtube.VIDEO_ANALYTICS,
        # listening, and what was done about it
        listening.MENTIONS, feedback.ACTIONS,
        # analysts' corrections of enrichment's labels
        corrections.LABELS,
        # business systems
        crm.CONTACTS, crm.ACCOUNTS, crm.DEALS, crm.ORDERS, web.SESSIONS, costs.PROGRAM_COSTS,
        community.THREADS, community.REPLIES, community.IDEAS, survey.SURVEY,
        # imports of public datasets and of connector tables
        kaggle.TWCS, kaggle.AIRLINE_SENTIMENT, *fivetran.FIVETRAN_SOURCES,
    )
}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(s.family for s in SOURCES.values()))

# `groundswell load fivetran DIR` lands every connector table found in DIR.
SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "fivetran": tuple(s.key for s in fivetran.FIVETRAN_SOURCES),
}


class UnknownSourceError(KeyError):
    def __str__(self) -> str:
        return (f"unknown source {self.args[0]!r}; choose one of: "
                f"{', '.join([*SOURCES, *SOURCE_GROUPS])}")


def get_source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise UnknownSourceError(key) from None


__all__ = ["FAMILIES", "SOURCES", "SOURCE_GROUPS", "Field", "Source", "UnknownSourceError", "get_source"]
