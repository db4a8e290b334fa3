"""Source families: each module holds a raw contract and how its files are read."""

from __future__ import annotations

from groundswell.sources.base import Field, Source
from groundswell.sources.costs import PROGRAM_COSTS
from groundswell.sources.crm import DEALS
from groundswell.sources.facebook import POSTS as FACEBOOK_POSTS
from groundswell.sources.x import TWEETS

SOURCES: dict[str, Source] = {s.key: s for s in (TWEETS, FACEBOOK_POSTS, DEALS, PROGRAM_COSTS)}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(s.family for s in SOURCES.values()))


class UnknownSourceError(KeyError):
    def __str__(self) -> str:
        return f"unknown source {self.args[0]!r}; choose one of: {', '.join(SOURCES)}"


def get_source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise UnknownSourceError(key) from None


__all__ = ["FAMILIES", "SOURCES", "Field", "Source", "UnknownSourceError", "get_source"]
