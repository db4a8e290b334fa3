-- The open hours of every business-hours calendar as UTC intervals, one row per calendar and
-- open day, with the business time of the calendar before each interval. Business minutes
-- between two instants are then a difference of two look-ups (macro business_seconds_at): a
-- closed form, never a minute-by-minute spine. Open hours are local wall-clock times converted
-- with the calendar's time zone, so a daylight-saving change moves them in UTC (a wall-clock
-- time the change skips or repeats: macro local_to_utc); holidays close the whole day.
-- A view on DuckDB; a table on Spark, where a view would be recomputed at every read
-- (int_care_messages_judged reads it five times).
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
with

days as (

    {{ day_spine(
        "cast('" ~ var('dim_date_start') ~ "' as date)",
        "cast('" ~ var('dim_date_end') ~ "' as date)"
    ) }}

),

hours as (

    -- opens_at and closes_at as seconds after midnight: HH:MM[:SS], 24:00 the day's end
    select
        calendar_id,
        time_zone,
        cast(weekday as integer) as weekday,
        cast(split_part(opens_at, ':', 1) as integer) * 3600
            + cast(split_part(opens_at, ':', 2) as integer) * 60
            + coalesce(try_cast(split_part(opens_at, ':', 3) as integer), 0) as opens_at_second,
        cast(split_part(closes_at, ':', 1) as integer) * 3600
            + cast(split_part(closes_at, ':', 2) as integer) * 60
            + coalesce(try_cast(split_part(closes_at, ':', 3) as integer), 0) as closes_at_second
    from {{ ref('business_calendars') }}

),

holidays as (

    select calendar_id, cast(holiday_date as date) as holiday_date
    from {{ ref('business_holidays') }}

),

local_hours as (

    select
        hours.calendar_id,
        hours.time_zone,
        cast(days.date_day as date) as local_date,
        cast(cast(days.date_day as date) as timestamp) + hours.opens_at_second * interval 1 second
            as opens_at_local,
        cast(cast(days.date_day as date) as timestamp) + hours.closes_at_second * interval 1 second
            as closes_at_local
    from days
    inner join hours on {{ iso_weekday('cast(days.date_day as date)') }} = hours.weekday
    where not exists (
        select 1 from holidays
        where holidays.calendar_id = hours.calendar_id
            and holidays.holiday_date = cast(days.date_day as date)
    )

),

intervals as (

    select
        calendar_id,
        local_date,
        {{ local_to_utc('opens_at_local', 'time_zone') }} as opens_at_utc,
        {{ local_to_utc('closes_at_local', 'time_zone') }} as closes_at_utc
    from local_hours

)

select
    calendar_id,
    local_date,
    opens_at_utc,
    closes_at_utc,
    {{ seconds_between('opens_at_utc', 'closes_at_utc') }} as open_seconds,
    -- business seconds of the calendar before this interval opens
    cast(coalesce(sum({{ seconds_between('opens_at_utc', 'closes_at_utc') }}) over (
        partition by calendar_id order by opens_at_utc
        rows between unbounded preceding and 1 preceding
    ), 0) as bigint) as seconds_before
from intervals
where closes_at_utc > opens_at_utc
