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
    Suite(
        name="marts.fct_care_messages",
        description="One row per inbound message; response times never negative; SLA verdicts "
        "consistent with the times they judge.",
        query="""
            select source || '/' || message_id as message_key, channel, received_at, is_responded,
                   first_response_minutes, first_response_business_minutes, complaint_type,
                   -- a responded message is within its SLA exactly when its business minutes are
                   case when is_responded and sla_minutes is not null
                        then (first_response_business_minutes <= sla_minutes) = is_within_sla end
                     as sla_verdict_consistent,
                   -- business time never exceeds calendar time
                   first_response_minutes - first_response_business_minutes as closed_minutes
            from marts.fct_care_messages
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeUnique(column="message_key"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="received_at"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="is_responded"),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="channel", value_set=["x", "facebook_comment", "facebook_messenger"]),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="complaint_type",
                value_set=["positive", "neutral", "troll", "rage", "misinformation", "unhappy_customer"]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="first_response_minutes", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="first_response_business_minutes", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="closed_minutes", min_value=-1e-9),
            gx.expectations.ExpectColumnValuesToBeInSet(column="sla_verdict_consistent", value_set=[True]),
        ],
    ),
]
