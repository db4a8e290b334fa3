"""Listening: mentions of the brands and their competitors anywhere on social media.

Files are JSON lines, one mention per line, as social listening tools export
them (Brandwatch, Talkwalker, Meltwater; or a stream consumer writing X
filtered-stream matches): the matched brand, the post, its author and the
author's reach.  The warehouse scores sentiment itself; a tool's own label is
kept beside it.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

MENTIONS = Source(
    key="listening-mentions",
    family="listening",
    entity="mentions",
    description="Posts that mention a brand or a competitor, with author, followers and hashtags.",
    shape="social listening export, one mention per JSON line (Brandwatch/Talkwalker style)",
    file_pattern="*.jsonl",
    format="jsonl",
    natural_key=("mention_id",),
    fields=(
        Field("mention_id", "VARCHAR", required=True, doc="the platform's post id, prefixed by platform"),
        Field("platform", "VARCHAR", required=True,
              choices=("x", "facebook", "instagram", "linkedin", "youtube", "reddit", "tiktok",
                       "news", "blog", "forum")),
        Field("matched_brand", "VARCHAR", required=True, brand=True,
              doc="the brand or competitor the query matched, as named in the brand config"),
        Field("created_at", "TIMESTAMP", required=True),
        Field("url", "VARCHAR"),
        Field("text", "VARCHAR", required=True),
        Field("lang", "VARCHAR"),
        Field("author_id", "VARCHAR", path="$.author.id", required=True),
        Field("author_handle", "VARCHAR", path="$.author.handle"),
        Field("author_name", "VARCHAR", path="$.author.name"),
        Field("author_followers", "BIGINT", path="$.author.followers"),
        Field("hashtags", "JSON", doc='hashtags without "#", e.g. ["myNYPD"]'),
        Field("in_reply_to_id", "VARCHAR", doc="the post it replies to, if any"),
        Field("likes", "BIGINT", path="$.engagement.likes"),
        Field("shares", "BIGINT", path="$.engagement.shares"),
        Field("replies", "BIGINT", path="$.engagement.replies"),
        Field("tool_sentiment", "VARCHAR", path="$.sentiment",
              choices=("positive", "neutral", "negative"), doc="the listening tool's own label, if any"),
    ),
)
