-- Facebook's "very responsive to messages" badge as Facebook judges it: per brand and channel, over
-- the 7 days ending each day (the brand's calendar day), at least 90 % of the messages answered and
-- a median first response of at most 15 minutes. A rolling window of messages, not a day, and
-- not split by complaint type: a median does not add up across days or types. Definitions:
-- docs/metrics.md#customer-care.
-- depends_on: {{ ref('business_calendars') }}
with

zones as (

    {{ calendar_time_zones() }}

),

messages as (

    select
        m.brand,
        m.channel,
        z.time_zone,
        m.is_responded,
        m.first_response_minutes,
        m.as_of,
        {{ local_date('m.received_at', 'z.time_zone') }} as received_date
    from {{ ref('fct_care_messages') }} as m
    left join zones as z on z.calendar_id = m.calendar_id

),

-- Every day of a brand × channel from its first message to the as_of day.
segments as (

    select brand, channel, time_zone,
        min(received_date) as first_day,
        {{ local_date('max(as_of)', 'time_zone') }} as last_day
    from messages
    group by brand, channel, time_zone

),

days as (

    select s.brand, s.channel, s.time_zone, d.date_day
    from segments as s
    inner join {{ ref('dim_date') }} as d on d.date_day between s.first_day and s.last_day

),

-- Each message in the 7 windows that hold it (the day it arrived and the 6 after).
windows as (

    select
        d.date_day,
        d.brand,
        d.channel,
        d.time_zone,
        m.received_date,
        m.is_responded,
        m.first_response_minutes
    from days as d
    left join messages as m
        on m.brand is not distinct from d.brand
        and m.channel = d.channel
        and m.time_zone = d.time_zone
        and m.received_date between d.date_day - interval 6 day and d.date_day

),

judged as (

    select
        date_day,
        brand,
        channel,
        time_zone,
        count(received_date) as messages_7d,
        count(*) filter (where is_responded) as responded_7d,
        percentile_cont(0.5) within group (order by first_response_minutes) as median_first_response_minutes_7d
    from windows
    group by all

)

select
    date_day,
    brand,
    channel,
    time_zone,
    messages_7d,
    responded_7d,
    responded_7d / nullif(messages_7d, 0) as response_rate_7d,
    median_first_response_minutes_7d,
    case
        when messages_7d > 0
            then responded_7d >= 0.9 * messages_7d and coalesce(median_first_response_minutes_7d <= 15, false)
    end as is_very_responsive
from judged
