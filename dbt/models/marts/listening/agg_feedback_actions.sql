-- The feedback loop per brand, topic and owning department: how many actions were taken on what
-- was heard, how many are closed, and how fast. Definitions: docs/metrics.md#feedback-loop.
with

actions as (

    select * from {{ ref('fct_feedback_actions') }}

),

final as (

    select
        brand,
        complaint_topic as topic,
        owner_department,
        count(*) as actions,
        count(distinct feedback_ref) as feedback_items,
        count(*) filter (where is_closed) as actions_closed,
        count(*) filter (where status = 'done') as actions_done,
        count(*) filter (where status = 'declined') as actions_declined,
        count(*) filter (where not is_closed) as actions_open,
        {{ safe_divide("count(*) filter (where is_closed)", "count(*)") }} as closure_rate,
        median(hours_to_action) as median_hours_to_action,
        median(hours_to_close) as median_hours_to_close,
        count(*) filter (where not is_feedback_found) as actions_feedback_not_found
    from actions
    group by all

)

select * from final
