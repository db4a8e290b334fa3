"""Expectations on the marts the dashboards read: keys, ranges and the metric identity."""

import great_expectations as gx

from groundswell.quality import Suite

SUITES = [
    Suite(
        name="marts.fct_post_performance",
        description="One row per owned post, counts never negative, rates consistent.",
        query="""
            select post_id, platform, brand, posted_at, content_type, impressions, engagements,
                   engagement_rate,
                   -- the stored rate must equal engagements / impressions where defined
                   abs(engagement_rate - engagements / impressions) as rate_error
            from marts.fct_post_performance
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeUnique(column="post_id"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="post_id"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="brand"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="posted_at"),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="platform", value_set=["x", "facebook", "instagram", "linkedin", "youtube"]),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="content_type", value_set=["text", "image", "video", "link"]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="impressions", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="engagements", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="engagement_rate", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="rate_error", min_value=0, max_value=1e-9),
        ],
    ),
]
