"""Expectations on the marts the dashboards read: keys, ranges and the metric identity."""

import great_expectations as gx

from groundswell.gate.quality import Suite

#: A brand's first or last mention is stray when the empty hours between it and the next are more
#: than this many days and more than the rest of its span: one record would then more than double
#: the brand's rows of marts.agg_mentions_hourly (every hour of its span is a row).
STRAY_GAP_DAYS = 90

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
    Suite(
        name="marts.fct_care_conversations",
        description="One row per conversation; exchanges, last word and status consistent.",
        query="""
            select source || '/' || conversation_id as conversation_key, opened_at, status,
                   customer_messages, brand_messages, exchanges, reopen_count,
                   first_response_minutes, resolution_minutes,
                   -- a brand message answers at most one customer turn
                   brand_messages - exchanges as unanswering_brand_messages,
                   -- resolved exactly when the status says so, and only with the brand's last word
                   (status = 'resolved') = is_resolved and (not is_resolved or brand_has_last_word)
                     as status_consistent
            from marts.fct_care_conversations
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeUnique(column="conversation_key"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="opened_at"),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="status", value_set=["resolved", "awaiting_customer", "awaiting_brand"]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="customer_messages", min_value=1),
            gx.expectations.ExpectColumnValuesToBeBetween(column="exchanges", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="reopen_count", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="unanswering_brand_messages", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="first_response_minutes", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="resolution_minutes", min_value=0),
            gx.expectations.ExpectColumnValuesToBeInSet(column="status_consistent", value_set=[True]),
        ],
    ),
    Suite(
        name="marts.agg_care_daily",
        description="One row per segment and day; counts nested (responded within messages, "
        "backlog over SLA within backlog), rates between 0 and 1.",
        query="""
            select date_day, brand, channel, complaint_type, time_zone, response_rate,
                   sla_attainment, backlog, backlog_over_sla,
                   messages - responded as unanswered,
                   sla_judged - within_sla as breached,
                   backlog - backlog_over_sla as backlog_in_time
            from marts.agg_care_daily
        """,
        expectations=lambda: [
            gx.expectations.ExpectCompoundColumnsToBeUnique(
                column_list=["date_day", "brand", "channel", "complaint_type", "time_zone"],
                ignore_row_if="never"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="date_day"),
            gx.expectations.ExpectColumnValuesToBeBetween(column="response_rate", min_value=0, max_value=1),
            gx.expectations.ExpectColumnValuesToBeBetween(column="sla_attainment", min_value=0, max_value=1),
            gx.expectations.ExpectColumnValuesToBeBetween(column="unanswered", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="breached", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="backlog_over_sla", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="backlog_in_time", min_value=0),
        ],
    ),
    Suite(
        name="marts.fct_attribution",
        description="Per conversion and model the weights sum to exactly 1 and the credit to exactly "
        "the conversion's revenue and pipeline (decimals: docs/metrics.md#exact-money); weights "
        "between 0 and 1; every model one of seeds.attribution_models.",
        query="""
            select a.conversion_id || '/' || a.model as conversion_model, a.model,
                   -- a model that is not one of the seed's (dbt/seeds/attribution_models.csv)
                   case when a.model not in (select attribution_model from seeds.attribution_models)
                        then a.model end as model_not_in_seed,
                   count(*) as touches, min(a.weight) as min_weight, max(a.weight) as max_weight,
                   sum(a.weight) - 1 as weight_sum_error,
                   sum(a.attributed_revenue) = any_value(c.revenue)
                       and sum(a.attributed_pipeline) = any_value(c.pipeline) as credit_adds_up
            from marts.fct_attribution as a
            inner join marts.fct_conversions as c using (conversion_id)
            group by a.conversion_id, a.model
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeUnique(column="conversion_model"),
            gx.expectations.ExpectColumnValuesToBeNull(column="model_not_in_seed"),
            gx.expectations.ExpectColumnValuesToBeBetween(column="min_weight", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="max_weight", max_value=1),
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="weight_sum_error", min_value=0, max_value=0),
            gx.expectations.ExpectColumnValuesToBeInSet(column="credit_adds_up", value_set=[True]),
        ],
    ),
    Suite(
        name="marts.fct_social_roi",
        description="One row per slice and model; costs never negative; ROI finite, NULL at zero "
        "cost, inside its range across models.",
        query="""
            select month, department, channel, campaign, model, cost, total_value,
                   isinf(roi) or isnan(roi) as roi_not_finite,
                   (cost = 0) = (roi is null) as roi_null_exactly_at_zero_cost,
                   roi - roi_min as above_min, roi_max - roi as below_max
            from marts.fct_social_roi
        """,
        expectations=lambda: [
            gx.expectations.ExpectCompoundColumnsToBeUnique(
                column_list=["month", "department", "channel", "campaign", "model"],
                ignore_row_if="never"),
            gx.expectations.ExpectColumnValuesToBeBetween(column="cost", min_value=0),
            gx.expectations.ExpectColumnValuesToBeInSet(column="roi_not_finite", value_set=[False]),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="roi_null_exactly_at_zero_cost", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="above_min", min_value=-1e-12),
            gx.expectations.ExpectColumnValuesToBeBetween(column="below_max", min_value=-1e-12),
        ],
    ),
    Suite(
        name="marts.agg_fan_quality",
        description="One row per brand and channel; each count inside the one it is a share of; "
        "shares between 0 and 1.",
        query="""
            select brand, channel,
                   matched_engagers <= engagers and customer_engagers <= matched_engagers
                       and target_segment_engagers <= matched_engagers as engager_counts_nested,
                   followers is null or (matched_followers <= followers
                       and customer_followers <= matched_followers
                       and target_segment_followers <= matched_followers) as follower_counts_nested,
                   matched_share, customer_share, target_segment_share,
                   follower_matched_share, follower_customer_share, follower_target_segment_share
            from marts.agg_fan_quality
        """,
        expectations=lambda: [
            gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=["brand", "channel"],
                                                            ignore_row_if="never"),
            gx.expectations.ExpectColumnValuesToBeInSet(column="engager_counts_nested", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeInSet(column="follower_counts_nested", value_set=[True]),
            *[gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1)
              for column in ("matched_share", "customer_share", "target_segment_share",
                             "follower_matched_share", "follower_customer_share",
                             "follower_target_segment_share")],
        ],
    ),
    Suite(
        name="marts.agg_mentions_hourly",
        description="One row per brand and hour; the sentiment counts add up to the volume; net "
        "sentiment in [-1, 1]; share of voice in [0, 1].",
        query="""
            select brand, hour_at, mentions,
                   positive_mentions + neutral_mentions + negative_mentions <= mentions as counts_add_up,
                   net_sentiment, share_of_voice
            from marts.agg_mentions_hourly
        """,
        expectations=lambda: [
            gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=["brand", "hour_at"],
                                                            ignore_row_if="never"),
            gx.expectations.ExpectColumnValuesToBeBetween(column="mentions", min_value=0),
            gx.expectations.ExpectColumnValuesToBeInSet(column="counts_add_up", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="net_sentiment", min_value=-1, max_value=1),
            gx.expectations.ExpectColumnValuesToBeBetween(column="share_of_voice", min_value=0, max_value=1),
        ],
    ),
    Suite(
        name="marts.agg_mentions_hourly.spine",
        description="Per brand, the hourly rows are exactly what its mentions allow (every hour "
        "from its first mention to its last); no lone mention far from the others stretches the "
        f"span: an empty lead-in or tail longer than {STRAY_GAP_DAYS} days and than the rest of "
        "the span.",
        query=f"""
            with spans as (
                select brand,
                       date_trunc('hour', min(mentioned_at)) as first_hour,
                       date_trunc('hour', max(mentioned_at)) as last_hour,
                       min(mentioned_at, 2) as first_two,  -- ascending
                       max(mentioned_at, 2) as last_two,   -- descending
                       count(*) as mentions
                from marts.fct_mentions
                where brand is not null and mentioned_at is not null
                group by brand
            ), mart as (
                select brand, count(*) as hour_rows from marts.agg_mentions_hourly group by brand
            ), judged as (
                select coalesce(s.brand, m.brand) as brand, m.hour_rows, s.first_two, s.last_two,
                       date_diff('hour', s.first_hour, s.last_hour) + 1 as allowed_rows,
                       date_diff('hour', s.first_two[1], s.first_two[2]) as lead_gap_hours,
                       date_diff('hour', s.last_two[2], s.last_two[1]) as tail_gap_hours
                from spans as s full outer join mart as m using (brand)
            )
            select brand, hour_rows, allowed_rows,
                   case
                       when hour_rows is distinct from allowed_rows then format(
                           'marts.agg_mentions_hourly holds {{}} hours of {{}}, its mentions allow '
                           || '{{}} (first to last hour): rebuild it with groundswell build '
                           || '--full-refresh', coalesce(hour_rows, 0), brand, coalesce(allowed_rows, 0))
                       when lead_gap_hours > greatest({STRAY_GAP_DAYS * 24}, allowed_rows - lead_gap_hours)
                           then format(
                           '{{}}''s first mention ({{}}) lies {{}} days before its next: a stray '
                           || 'timestamp stretches the hourly mart by {{}} empty hours. See it: '
                           || 'groundswell sql "select * from marts.fct_mentions where brand = '
                           || '''{{}}'' order by mentioned_at limit 2"; correct it and land it again',
                           brand, first_two[1], lead_gap_hours // 24, lead_gap_hours, brand)
                       when tail_gap_hours > greatest({STRAY_GAP_DAYS * 24}, allowed_rows - tail_gap_hours)
                           then format(
                           '{{}}''s last mention ({{}}) lies {{}} days after the one before: a stray '
                           || 'timestamp stretches the hourly mart by {{}} empty hours. See it: '
                           || 'groundswell sql "select * from marts.fct_mentions where brand = '
                           || '''{{}}'' order by mentioned_at desc limit 2"; correct it and land it again',
                           brand, last_two[1], tail_gap_hours // 24, tail_gap_hours, brand)
                   end as violation
            from judged
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeNull(column="violation"),
        ],
    ),
    Suite(
        name="marts.fct_crisis_episodes",
        description="One row per episode; it starts before it ends and peaks inside itself.",
        query="""
            select episode_id, kind,
                   start_at < end_at and peak_at >= start_at and peak_at < end_at as peak_inside
            from marts.fct_crisis_episodes
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeUnique(column="episode_id"),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="kind", value_set=["negative_spike", "hashtag_hijack"]),
            gx.expectations.ExpectColumnValuesToBeInSet(column="peak_inside", value_set=[True]),
        ],
    ),
    Suite(
        name="marts.agg_feedback_actions",
        description="One row per brand, topic and owning department; closed and open actions add up "
        "to the actions; closure rate in [0, 1]; no negative times.",
        query="""
            select brand, topic, owner_department, actions, closure_rate,
                   actions_closed + actions_open = actions as counts_add_up,
                   median_hours_to_action, median_hours_to_close
            from marts.agg_feedback_actions
        """,
        expectations=lambda: [
            gx.expectations.ExpectCompoundColumnsToBeUnique(
                column_list=["brand", "topic", "owner_department"], ignore_row_if="never"),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="owner_department"),
            gx.expectations.ExpectColumnValuesToBeBetween(column="actions", min_value=1),
            gx.expectations.ExpectColumnValuesToBeInSet(column="counts_add_up", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="closure_rate", min_value=0, max_value=1),
            gx.expectations.ExpectColumnValuesToBeBetween(column="median_hours_to_action", min_value=0),
            gx.expectations.ExpectColumnValuesToBeBetween(column="median_hours_to_close", min_value=0),
        ],
    ),
    Suite(
        name="marts.fct_maturity_stage",
        description="One row per business unit and quarter; one of the five stages, its rank 0-4; a "
        "unit without activity is dormant; no more criteria passed than assessed.",
        query="""
            select business_unit, quarter, stage, stage_rank,
                   has_activity or stage = 'dormant' as dormant_without_activity,
                   criteria_passed <= criteria_assessed as counts_consistent
            from marts.fct_maturity_stage
        """,
        expectations=lambda: [
            gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=["business_unit", "quarter"],
                                                            ignore_row_if="never"),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="stage",
                value_set=["dormant", "testing", "coordinating", "scaling_optimizing", "empowered"]),
            gx.expectations.ExpectColumnValuesToBeBetween(column="stage_rank", min_value=0, max_value=4),
            gx.expectations.ExpectColumnValuesToBeInSet(column="dormant_without_activity", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeInSet(column="counts_consistent", value_set=[True]),
        ],
    ),
]
