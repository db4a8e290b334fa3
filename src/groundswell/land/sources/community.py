"""Community: the brand's own forum: threads, replies accepted as solutions, ideas.

Seed 002's private community is where support is deflected (HP) and product
ideas come from (P&G).  Files are JSON lines exports, one object per line, in
the shape of a community platform's export API (Khoros, Discourse, Salesforce
Experience Cloud): a thread per line, a reply per line, an idea per line.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

IDEA_STATUSES = ("submitted", "under_review", "adopted", "declined")

THREADS = Source(
    key="community-threads",
    family="community",
    entity="threads",
    description="Questions and discussions opened in the community.",
    shape="community export, one thread per JSON line",
    file_pattern="*.jsonl",
    format="jsonl",
    natural_key=("thread_id",),
    fields=(
        Field("thread_id", "VARCHAR", required=True),
        Field("board", "VARCHAR", doc="forum or category"),
        Field("business_unit", "VARCHAR"),
        Field("title", "VARCHAR"),
        Field("kind", "VARCHAR", choices=("question", "discussion")),
        Field("author_user_id", "VARCHAR", required=True),
        Field("created_at", "TIMESTAMP", required=True),
        Field("views", "BIGINT"),
        Field("solved_at", "TIMESTAMP", doc="when a reply was accepted as the solution"),
        Field("accepted_reply_id", "VARCHAR", doc="the reply accepted as the solution"),
    ),
)

REPLIES = Source(
    key="community-replies",
    family="community",
    entity="replies",
    description="Replies in community threads, by members or staff; some accepted as solutions.",
    shape="community export, one reply per JSON line",
    file_pattern="*.jsonl",
    format="jsonl",
    natural_key=("reply_id",),
    fields=(
        Field("reply_id", "VARCHAR", required=True),
        Field("thread_id", "VARCHAR", required=True),
        Field("author_user_id", "VARCHAR", required=True),
        Field("author_is_staff", "BOOLEAN", doc="written by the company's staff"),
        Field("created_at", "TIMESTAMP", required=True),
        Field("is_accepted_solution", "BOOLEAN"),
        Field("kudos", "BIGINT"),
    ),
)

IDEAS = Source(
    key="community-ideas",
    family="community",
    entity="ideas",
    description="Product ideas submitted by members and what became of them.",
    shape="community ideas export (Khoros Ideas, Salesforce Ideas), one idea per JSON line",
    file_pattern="*.jsonl",
    format="jsonl",
    natural_key=("idea_id",),
    fields=(
        Field("idea_id", "VARCHAR", required=True),
        Field("business_unit", "VARCHAR"),
        Field("title", "VARCHAR"),
        Field("author_user_id", "VARCHAR", required=True),
        Field("created_at", "TIMESTAMP", required=True),
        Field("status", "VARCHAR", required=True, choices=IDEA_STATUSES),
        Field("status_changed_at", "TIMESTAMP"),
        Field("votes", "BIGINT"),
    ),
)
