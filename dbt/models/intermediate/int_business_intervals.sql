-- The open hours of every business-hours calendar as UTC intervals, one row per calendar and
-- open day, with the business time of the calendar before each interval. Business minutes
-- between two instants are then a difference of two look-ups (macro business_seconds_at): a
-- closed form, never a minute-by-minute spine. Open hours are local wall-clock times converted
-- with the calendar's time zone, so a daylight-saving change moves them in UTC; holidays close
-- the whole day.
with

days as (

    {{ dbt.date_spine(
        "day",
        "cast('" ~ var('dim_date_start') ~ "' as date)",
        "cast('" ~ var('dim_date_end') ~ "' as date)"
    ) }}

),

hours as (

    select
        calendar_id,
        time_zone,
        cast(weekday as integer) as weekday,
        cast(opens_at as time) as opens_at,
        cast(closes_at as time) as closes_at
    from {{ ref('business_calendars') }}

),

holidays as (

    select calendar_id, cast(holiday_date as date) as holiday_date
    from {{ ref('business_holidays') }}

),

intervals as (

    select
        hours.calendar_id,
        cast(days.date_day as date) as local_date,
        timezone('UTC', timezone(hours.time_zone, cast(days.date_day as date) + hours.opens_at))
            as opens_at_utc,
        timezone('UTC', timezone(hours.time_zone, cast(days.date_day as date) + hours.closes_at))
            as closes_at_utc
    from days
    inner join hours on extract(isodow from days.date_day) = hours.weekday
    where not exists (
        select 1 from holidays
        where holidays.calendar_id = hours.calendar_id
            and holidays.holiday_date = cast(days.date_day as date)
    )

)

select
    calendar_id,
    local_date,
    opens_at_utc,
    closes_at_utc,
    date_diff('second', opens_at_utc, closes_at_utc) as open_seconds,
    -- business seconds of the calendar before this interval opens
    cast(coalesce(sum(date_diff('second', opens_at_utc, closes_at_utc)) over (
        partition by calendar_id order by opens_at_utc
        rows between unbounded preceding and 1 preceding
    ), 0) as bigint) as seconds_before
from intervals
where closes_at_utc > opens_at_utc
