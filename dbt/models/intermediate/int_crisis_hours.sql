{{ config(materialized='table') }}
-- Crisis signals per brand and UTC hour (seed 002: bad news travels fast). Two rules, both
-- against the brand's own recent past, so a brand's ordinary daily and weekly rhythm never alerts:
--
-- * negative spike: the mean of the last 24 hours' negative mentions per hour is above the mean
--   of that same 24-hour mean over the week before (the 7 days ending 24 hours earlier, its
--   unusual hours left out) plus k standard deviations of it (var crisis_spike_k), and at least
--   crisis_min_excess_ratio above that mean (noise in a small brand's counts can pass k sigma;
--   a crisis multiplies them). A 24-hour mean has no daily cycle; its week carries the weekly one.
-- * hashtag hijack: in one hour, one of the brand's campaign hashtags (seeds/campaign_hashtags.csv)
--   is carried by at least hijack_min_hashtag_share of the brand's mentions, at least
--   hijack_min_negative of them are negative, and their negative share is at least
--   hijack_min_negative_share. The hashtag's own normal is a few percent of mentions, mostly not
--   negative; a negative spike that is not about the hashtag leaves that share where it was.
--
-- A brand needs crisis_min_baseline_hours of history before it can alert. Definitions:
-- docs/metrics.md#crisis-early-warning.
{%- set k = var('crisis_spike_k') %}
{%- set day = var('crisis_window_hours') %}
{%- set week = var('crisis_baseline_hours') %}
with

hourly as (

    select brand, hour_at, mentions, negative_mentions
    from {{ ref('agg_mentions_hourly') }}

),

tags as (

    select brand, lower(hashtag) as hashtag from {{ ref('campaign_hashtags') }}

),

-- Mentions carrying a campaign hashtag of the brand they mention, per hour.
tagged as (

    select
        m.brand,
        date_trunc('hour', m.mentioned_at) as hour_at,
        min(t.hashtag) as hashtag,
        count(*) as tagged_mentions,
        count(*) filter (where m.sentiment_label = 'negative') as tagged_negative_mentions
    from {{ ref('fct_mentions') }} as m
    inner join tags as t on t.brand = m.brand and list_contains(m.hashtags, t.hashtag)
    group by m.brand, date_trunc('hour', m.mentioned_at)

),

-- The spine of agg_mentions_hourly has every hour of a brand: row frames are hour frames.
rolling as (

    select
        h.*,
        coalesce(g.tagged_mentions, 0) as tagged_mentions,
        coalesce(g.tagged_negative_mentions, 0) as tagged_negative_mentions,
        g.hashtag,
        avg(h.negative_mentions) over (
            partition by h.brand order by h.hour_at rows between {{ day - 1 }} preceding and current row
        ) as negative_24h_mean,
        count(*) over (
            partition by h.brand order by h.hour_at rows between unbounded preceding and current row
        ) - 1 as history_hours
    from hourly as h
    left join tagged as g using (brand, hour_at)

),

-- Each hour's 24-hour mean against the robust normal of its own week before (median and MAD,
-- scaled to a standard deviation): hours far above it are unusual, and the baselines below
-- leave them out, so one crisis does not hide the next for a week.
screened as (

    select
        *,
        coalesce(
            negative_24h_mean > median(negative_24h_mean) over week_before
                + 3 * 1.4826 * mad(negative_24h_mean) over week_before,
            false
        ) as is_unusual
    from rolling
    window week_before as (partition by brand order by hour_at
                           rows between {{ week + day - 1 }} preceding and {{ day }} preceding)

),

baselined as (

    select
        *,
        avg(negative_24h_mean) filter (where not is_unusual) over week_before as baseline_mean,
        coalesce(stddev_pop(negative_24h_mean) filter (where not is_unusual) over week_before, 0)
            as baseline_sd
    from screened
    window week_before as (partition by brand order by hour_at
                           rows between {{ week + day - 1 }} preceding and {{ day }} preceding)

),

final as (

    select
        brand,
        hour_at,
        mentions,
        negative_mentions,
        negative_24h_mean,
        baseline_mean,
        baseline_sd,
        baseline_mean + {{ k }} * baseline_sd as spike_threshold,
        tagged_mentions,
        tagged_negative_mentions,
        tagged_mentions / nullif(mentions, 0) as hashtag_share,
        tagged_negative_mentions / nullif(tagged_mentions, 0) as tagged_negative_share,
        history_hours >= {{ var('crisis_min_baseline_hours') }}
            and negative_24h_mean > baseline_mean + {{ k }} * baseline_sd
            and negative_24h_mean >= baseline_mean * (1 + {{ var('crisis_min_excess_ratio') }})
            as is_negative_spike,
        tagged_negative_mentions >= {{ var('hijack_min_negative') }}
            and tagged_mentions >= {{ var('hijack_min_hashtag_share') }} * mentions
            and tagged_negative_mentions >= {{ var('hijack_min_negative_share') }} * tagged_mentions
            as is_hashtag_hijack,
        hashtag
    from baselined

)

select *, is_negative_spike or is_hashtag_hijack as is_alert from final
