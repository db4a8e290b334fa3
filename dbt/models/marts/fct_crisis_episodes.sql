-- Crisis episodes: runs of alerting hours of a brand (int_crisis_hours), joined when fewer than
-- crisis_merge_gap_hours quiet hours separate them, one row each. Seed 003: a big social event
-- lives about two days, an extra large one about a week. Definitions:
-- docs/metrics.md#crisis-early-warning.
{%- set gap = var('crisis_merge_gap_hours') %}
with

hours as (

    select * from {{ ref('int_crisis_hours') }}

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
                < hour_at - interval ({{ gap }} + 1) hour,
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

-- The peak: the episode's hour with the most negative mentions (the earliest of equals).
volumes as (

    select
        e.brand,
        e.episode_no,
        first(h.hour_at order by h.negative_mentions desc, h.hour_at) as peak_at,
        max(h.negative_mentions) as peak_negative_mentions,
        sum(h.negative_mentions) as negative_mentions,
        sum(h.mentions) as mentions
    from episodes as e
    inner join hours as h on h.brand = e.brand and h.hour_at >= e.start_at and h.hour_at < e.end_at
    group by e.brand, e.episode_no

),

negative as (

    select
        e.brand,
        e.episode_no,
        m.mention_id,
        m.platform,
        m.text,
        m.complaint_type,
        coalesce(m.likes, 0) + coalesce(m.shares, 0) + coalesce(m.replies, 0) as engagement
    from episodes as e
    inner join {{ ref('fct_mentions') }} as m
        on m.brand = e.brand and m.mentioned_at >= e.start_at and m.mentioned_at < e.end_at
    where m.sentiment_label = 'negative'

),

complaint_counts as (

    select brand, episode_no, complaint_type, count(*) as n
    from negative
    group by brand, episode_no, complaint_type

),

dominant as (

    select brand, episode_no, first(complaint_type order by n desc, complaint_type) as dominant_complaint_type
    from complaint_counts
    group by brand, episode_no

),

-- The most engaging negative posts (engagement = likes + shares + replies; ties by id).
top_posts as (

    select
        brand,
        episode_no,
        list({'mention_id': mention_id, 'platform': platform, 'engagement': engagement, 'text': text}
             order by engagement desc, mention_id)[1:{{ var('crisis_top_posts') }}] as top_posts
    from negative
    group by brand, episode_no

),

final as (

    select
        lower(regexp_replace(e.brand, '[^A-Za-z0-9]+', '-', 'g')) || '-' || strftime(e.start_at, '%Y%m%d%H')
            as episode_id,
        e.brand,
        e.kind,
        e.start_at,
        v.peak_at,
        e.end_at,
        date_diff('hour', e.start_at, e.end_at) as duration_hours,
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
