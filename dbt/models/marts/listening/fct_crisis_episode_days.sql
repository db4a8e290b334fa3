-- Each crisis episode once per UTC day it was live (from the day of its first alerting hour to
-- the day of its last), so that "the episodes of a period" are those overlapping it, counted
-- once each (count distinct over the period's days), the same episodes the page's table lists.
-- Definitions: docs/metrics.md#crisis-early-warning.
with

episodes as (

    select episode_id, brand, kind, start_at, end_at from {{ ref('fct_crisis_episodes') }}

),

days as (

    select date_day from {{ ref('dim_date') }}

),

final as (

    select
        e.episode_id,
        e.brand,
        e.kind,
        d.date_day as live_day
    from episodes as e
    -- end_at is exclusive: an episode ending at midnight is not live on the day after it
    inner join days as d
        on d.date_day >= cast(e.start_at as date)
        and cast(d.date_day as timestamp) < e.end_at

)

select * from final
