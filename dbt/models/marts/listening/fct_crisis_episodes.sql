-- Crisis episodes: runs of alerting hours of a brand (agg_crisis_hours), joined when fewer than
-- crisis_merge_gap_hours quiet hours separate them, one row each. Seed 003: a big social event
-- lives about two days, an extra large one about a week. Definitions:
-- docs/metrics.md#crisis-early-warning.
--
-- Rebuilt whole on every run, from agg_crisis_hours alone: the alerting hours, the hours inside
-- episodes, and their per-hour negative mentions by complaint type and top posts (an episode's
-- top posts are the top of its hours' tops), so the cost follows the brand-hours, not the mentions.
{%- set gap = var('crisis_merge_gap_hours') %}
with

hours as (

    select * from {{ ref('agg_crisis_hours') }}

),

alerts as (

    select
        brand,
        hour_at,
        is_negative_spike,
        is_hashtag_hijack,
        hashtag,
        -- a new episode unless the brand's previous alert hour is close enough
        coalesce(
            lag(hour_at) over (partition by brand order by hour_at)
                < hour_at - interval {{ gap + 1 }} hour,
            true
        ) as starts_episode
    from hours
    where is_alert

),

numbered as (

    select *, sum(starts_episode::int) over (partition by brand order by hour_at) as episode_no
    from alerts

),

episodes as (

    select
        brand,
        episode_no,
        min(hour_at) as start_at,
        max(hour_at) + interval 1 hour as end_at,
        count(*) as alert_hours,
        case when bool_or(is_hashtag_hijack) then 'hashtag_hijack' else 'negative_spike' end as kind,
        min(hashtag) filter (where is_hashtag_hijack) as hashtag,
        min(hour_at) filter (where is_hashtag_hijack) as first_hijack_at
    from numbered
    group by brand, episode_no

),

episode_hours as (

    select e.brand, e.episode_no, h.* except (brand)
    from episodes as e
    inner join hours as h on h.brand = e.brand and h.hour_at >= e.start_at and h.hour_at < e.end_at

),

-- The peak: the episode's hour with the most negative mentions (the earliest of equals).
volumes as (

    select
        brand,
        episode_no,
        {{ first_ordered('hour_at', ['negative_mentions desc', 'hour_at']) }} as peak_at,
        max(negative_mentions) as peak_negative_mentions,
        sum(negative_mentions) as negative_mentions,
        sum(mentions) as mentions
    from episode_hours
    group by brand, episode_no

),

complaint_counts as (

    select brand, episode_no, c.complaint_type, sum(c.negative_mentions) as n
    from (select brand, episode_no, {{ unnest_array('negative_by_complaint_type') }} as c from episode_hours)
    group by brand, episode_no, c.complaint_type

),

dominant as (

    select brand, episode_no, {{ first_ordered('complaint_type', ['n desc', 'complaint_type']) }} as dominant_complaint_type
    from complaint_counts
    group by brand, episode_no

),

-- The most engaging negative posts (engagement = likes + shares + replies; ties by id).
top_posts as (

    select
        brand,
        episode_no,
        {{ ordered_array_agg('p', ['p.engagement desc', 'p.mention_id'], var('crisis_top_posts')) }} as top_posts
    from (select brand, episode_no, {{ unnest_array('top_negative_posts') }} as p from episode_hours)
    group by brand, episode_no

),

final as (

    select
        lower({{ regexp_replace_all('e.brand', "'[^A-Za-z0-9]+'", "'-'") }}) || '-'
            || {{ format_timestamp('e.start_at', '%Y%m%d%H') }} as episode_id,
        e.brand,
        e.kind,
        e.start_at,
        v.peak_at,
        e.end_at,
        {{ units_between('hour', 'e.start_at', 'e.end_at') }} as duration_hours,
        e.alert_hours,
        v.peak_negative_mentions,
        v.negative_mentions,
        v.mentions,
        d.dominant_complaint_type,
        e.hashtag,
        e.first_hijack_at,
        t.top_posts
    from episodes as e
    inner join volumes as v using (brand, episode_no)
    left join dominant as d using (brand, episode_no)
    left join top_posts as t using (brand, episode_no)

)

select * from final
