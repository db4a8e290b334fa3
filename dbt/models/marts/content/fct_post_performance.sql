-- One row per owned post with its reach and engagement, when it went out in the brand's local
-- time, and the brand's posting cadence around it (definitions: docs/metrics.md).
with

posts as (

    select * from {{ ref('int_posts_unioned') }}

),

-- The brand's local time is its care calendar's time zone (brands not listed: the default one).
time_zones as (

    select b.brand, c.time_zone
    from {{ ref('brands') }} as b
    inner join (select distinct calendar_id, time_zone from {{ ref('business_calendars') }}) as c
        on c.calendar_id = coalesce(b.calendar_id, 'default')

),

default_time_zone as (

    -- a calendar has one time zone (were it not, min() picks the same one on every engine)
    select min(time_zone) as time_zone
    from {{ ref('business_calendars') }}
    where calendar_id = 'default'

),

located as (

    select
        p.*,
        coalesce(z.time_zone, (select time_zone from default_time_zone), 'UTC') as time_zone
    from posts as p
    left join time_zones as z using (brand)

),

final as (

    select
        post_id,
        platform,
        source_system,
        brand,
        account_id,
        account_handle,
        posted_at,
        cast(posted_at as date) as posted_date,
        time_zone,
        {{ utc_to_local('posted_at', 'time_zone') }} as posted_local_at,
        hour({{ utc_to_local('posted_at', 'time_zone') }}) as posting_hour,
        {{ iso_weekday(utc_to_local('posted_at', 'time_zone')) }} as posting_weekday,
        -- cadence: the brand's posting rhythm on the platform around this post
        {{ seconds_between('lag(posted_at) over brand_platform', 'posted_at') }} / 3600.0::double
            as hours_since_previous_post,
        count(*) over (
            partition by brand, platform order by posted_at
            range between interval 7 day preceding and current row
        ) - 1 as posts_in_prior_7_days,
        content_type,
        impressions,
        reactions,
        comments,
        shares,
        -- A count the platform did not report adds nothing rather than erasing the others.
        coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0) as engagements,
        {{ safe_divide(
            'coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)',
            'impressions'
        ) }} as engagement_rate

    from located
    window brand_platform as (partition by brand, platform order by posted_at nulls last, post_id nulls last)

)

select * from final
