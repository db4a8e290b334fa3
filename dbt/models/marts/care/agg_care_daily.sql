-- Customer care per brand × channel × complaint type × day, the day in the time zone of the
-- brand's business-hours calendar: messages received that day and how they were answered, and
-- the backlog at the day's end. Every figure comes from fct_care_messages; definitions:
-- docs/metrics.md#customer-care.
-- depends_on: {{ ref('business_calendars') }}
with

zones as (

    {{ calendar_time_zones() }}

),

-- One instant for every segment: the latest build's as_of (an incremental build leaves the
-- rows of answered messages it does not touch with the as_of they were written with).
as_of as (

    select max(as_of) as as_of from {{ ref('fct_care_messages') }}

),

messages as (

    select
        m.brand,
        m.channel,
        m.complaint_type,
        z.time_zone,
        m.received_at,
        m.is_responded,
        m.first_response_at,
        m.first_response_minutes,
        m.first_response_business_minutes,
        m.is_within_sla,
        m.sla_breach_at,
        as_of.as_of,
        {{ local_date('m.received_at', 'z.time_zone') }} as received_date,
        {{ local_date('m.sla_breach_at', 'z.time_zone') }} as breach_date,
        {{ local_date('m.left_at', 'z.time_zone') }} as left_date,
        m.left_at is not null as has_left,
        -- the SLA ran out while the message waited, by as_of
        m.sla_breach_at < coalesce(m.left_at, as_of.as_of) and m.sla_breach_at < as_of.as_of
            as breached_while_open
    from (
        -- The backlog's exit: the first response, unless the message expired first (unanswered
        -- var care_backlog_expiry_days after receipt, by as_of); NULL while it waits.
        select
            f.*,
            case
                when f.first_response_at < f.expires_at then f.first_response_at
                when f.expires_at <= a.as_of then f.expires_at
            end as left_at
        from {{ ref('fct_care_messages') }} as f
        cross join as_of as a
    ) as m
    cross join as_of
    left join zones as z on z.calendar_id = m.calendar_id

),

received as (

    select
        brand,
        channel,
        complaint_type,
        time_zone,
        received_date as date_day,
        count(*) as messages,
        count(*) filter (where is_responded) as responded,
        percentile_cont(0.5) within group (order by first_response_minutes) as median_first_response_minutes,
        percentile_cont(0.9) within group (order by first_response_minutes) as p90_first_response_minutes,
        percentile_cont(0.5) within group (order by first_response_business_minutes) as median_first_response_business_minutes,
        percentile_cont(0.9) within group (order by first_response_business_minutes) as p90_first_response_business_minutes,
        count(is_within_sla) as sla_judged,
        count(*) filter (where is_within_sla) as within_sla
    from messages
    group by all

),

-- The backlog at a day's end as a running sum of changes: a message joins it the day it is
-- received and leaves it the day it is answered or expires, whichever comes first; it is over
-- its SLA from the day the SLA runs out (if still waiting then) until the day it leaves.
backlog_changes as (

    select brand, channel, complaint_type, time_zone, received_date as date_day,
        1 as backlog_change, 0 as over_sla_change
    from messages
    union all
    select brand, channel, complaint_type, time_zone, left_date, -1, 0
    from messages where has_left
    union all
    select brand, channel, complaint_type, time_zone, breach_date, 0, 1
    from messages where breached_while_open
    union all
    select brand, channel, complaint_type, time_zone, left_date, 0, -1
    from messages where breached_while_open and has_left

),

daily_changes as (

    select brand, channel, complaint_type, time_zone, date_day,
        sum(backlog_change) as backlog_change,
        sum(over_sla_change) as over_sla_change
    from backlog_changes
    group by all

),

-- Every day of a segment from its first message to the as_of day, so a day without messages
-- still reports its backlog.
segments as (

    select brand, channel, complaint_type, time_zone,
        min(received_date) as first_day,
        {{ local_date('max(as_of)', 'time_zone') }} as last_day,
        max(as_of) as as_of
    from messages
    group by brand, channel, complaint_type, time_zone

),

days as (

    select s.brand, s.channel, s.complaint_type, s.time_zone, d.date_day, s.as_of
    from segments as s
    inner join {{ ref('dim_date') }} as d on d.date_day between s.first_day and s.last_day

),

joined as (

    select
        d.*,
        coalesce(r.messages, 0) as messages,
        coalesce(r.responded, 0) as responded,
        r.median_first_response_minutes,
        r.p90_first_response_minutes,
        r.median_first_response_business_minutes,
        r.p90_first_response_business_minutes,
        coalesce(r.sla_judged, 0) as sla_judged,
        coalesce(r.within_sla, 0) as within_sla,
        coalesce(c.backlog_change, 0) as backlog_change,
        coalesce(c.over_sla_change, 0) as over_sla_change
    from days as d
    left join received as r
        on r.brand is not distinct from d.brand
        and r.channel = d.channel
        and r.complaint_type = d.complaint_type
        and r.time_zone = d.time_zone
        and r.date_day = d.date_day
    left join daily_changes as c
        on c.brand is not distinct from d.brand
        and c.channel = d.channel
        and c.complaint_type = d.complaint_type
        and c.time_zone = d.time_zone
        and c.date_day = d.date_day

)

,

final as (

    select
        date_day,
        brand,
        channel,
        complaint_type,
        time_zone,
        messages,
        responded,
        responded / nullif(messages, 0) as response_rate,
        median_first_response_minutes,
        p90_first_response_minutes,
        median_first_response_business_minutes,
        p90_first_response_business_minutes,
        sla_judged,
        within_sla,
        within_sla / nullif(sla_judged, 0) as sla_attainment,
        cast(sum(backlog_change) over segment_days as bigint) as backlog,
        cast(sum(over_sla_change) over segment_days as bigint) as backlog_over_sla,
        as_of
    from joined
    window segment_days as (
        partition by brand, channel, complaint_type, time_zone
        order by date_day
        rows between unbounded preceding and current row
    )

)

select * from final
