"""Expectations on what landed: every record accounted for, no broken feed, sane counts.

A feed that quarantines more than 5% of what it sends is broken, not noisy:
publishing numbers built from the rest would mislead.
"""

import great_expectations as gx

from groundswell.quality import Suite

MAX_QUARANTINE_SHARE = 0.05

SUITES = [
    Suite(
        name="ops.load_audit",
        description="Every received record either landed or went to quarantine.",
        query="""
            select batch_id, source, received, landed, quarantined,
                   received - landed - quarantined as unaccounted
            from ops.load_audit
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="unaccounted", min_value=0, max_value=0),
        ],
    ),
    Suite(
        name="ops.quarantine_share",
        description=f"No source quarantines more than {MAX_QUARANTINE_SHARE:.0%} of its records.",
        query="""
            select source, sum(quarantined) / greatest(sum(received), 1) as quarantine_share
            from ops.load_audit
            group by source
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="quarantine_share", min_value=0, max_value=MAX_QUARANTINE_SHARE),
        ],
    ),
    Suite(
        name="raw.x__tweets",
        description="Public metrics are counts: never negative.",
        query="""
            select id, like_count, reply_count, retweet_count, quote_count, impression_count
            from raw.x__tweets
        """,
        reads="writer",
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToNotBeNull(column="id"),
            *[
                gx.expectations.ExpectColumnValuesToBeBetween(column=c, min_value=0)
                for c in ("like_count", "reply_count", "retweet_count", "quote_count",
                          "impression_count")
            ],
        ],
    ),
    Suite(
        name="raw.facebook__posts",
        description="Engagement summaries and insights are counts: never negative.",
        query="""
            select id, reactions_count, comments_count, shares_count, post_impressions
            from raw.facebook__posts
        """,
        reads="writer",
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeBetween(column=c, min_value=0)
            for c in ("reactions_count", "comments_count", "shares_count", "post_impressions")
        ],
    ),
]
