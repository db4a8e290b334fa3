-- The authors who talk about each brand, scored (seed 004's roadmap: find the influencers, turn
-- the best into evangelists, as Microsoft's MVP programme names about 100 a year; watch the
-- detractors). One row per brand, platform and author of fct_mentions. Definitions:
-- docs/metrics.md#influencers.
with

mentions as (

    select
        brand,
        platform,
        author_id,
        author_handle,
        author_followers,
        mentioned_at,
        sentiment_score,
        sentiment_label,
        coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) as engagement
    from {{ ref('fct_mentions') }}
    where brand is not null and author_id is not null

),

-- The weeks a brand was listened to: consistency is measured against them.
brand_weeks as (

    select
        brand,
        date_diff('week', date_trunc('week', min(mentioned_at)), date_trunc('week', max(mentioned_at))) + 1
            as weeks_observed
    from mentions
    group by brand

),

authors as (

    select
        brand,
        platform,
        author_id,
        arg_max(author_handle, mentioned_at) as author_handle,
        -- the latest follower count seen (reach changes; the newest is the truth now)
        arg_max(author_followers, mentioned_at) filter (where author_followers is not null) as reach,
        count(*) as mentions,
        count(*) filter (where sentiment_label = 'positive') as positive_mentions,
        count(*) filter (where sentiment_label = 'negative') as negative_mentions,
        sum(engagement)::bigint as engagement_received,
        -- Summed as decimals (VADER compounds have 4 places): a sum of doubles follows row order,
        -- and a backfill or a rerun would move the mean in its last digit.
        avg(sentiment_score::decimal(18, 6)) as avg_sentiment,
        count(distinct date_trunc('week', mentioned_at)) as active_weeks,
        min(mentioned_at) as first_mentioned_at,
        max(mentioned_at) as last_mentioned_at
    from mentions
    group by brand, platform, author_id

),

scored as (

    select
        a.*,
        a.active_weeks / w.weeks_observed as consistency,
        case
            when a.avg_sentiment >= 0.05 then 'advocate'
            when a.avg_sentiment <= -0.05 then 'detractor'
            else 'neutral'
        end as stance,
        a.active_weeks >= {{ var('influencer_min_active_weeks') }}
            and a.mentions >= {{ var('influencer_min_mentions') }} as is_active,
        -- each 0..1 among the brand's authors: a rank, so one celebrity does not flatten the rest
        percent_rank() over (partition by a.brand order by coalesce(a.reach, 0)) as reach_score,
        percent_rank() over (partition by a.brand order by a.engagement_received) as engagement_score
    from authors as a
    inner join brand_weeks as w using (brand)

),

ranked as (

    select
        *,
        (reach_score + engagement_score + consistency) / 3 as influence_score,
        row_number() over (
            partition by brand
            order by (reach_score + engagement_score + consistency) / 3 desc, platform, author_id
        ) as influence_rank,
        row_number() over (
            partition by brand, stance, is_active
            order by (reach_score + engagement_score + consistency) / 3 desc, platform, author_id
        ) as rank_in_stance
    from scored

),

final as (

    select
        brand,
        platform,
        author_id,
        author_handle,
        reach,
        mentions,
        positive_mentions,
        negative_mentions,
        engagement_received,
        avg_sentiment,
        stance,
        active_weeks,
        consistency,
        first_mentioned_at,
        last_mentioned_at,
        is_active,
        reach_score,
        engagement_score,
        influence_score,
        influence_rank,
        case
            when is_active and stance = 'advocate' and rank_in_stance <= {{ var('evangelist_candidates') }}
                then 'evangelist_candidate'
            when is_active and stance = 'detractor' and rank_in_stance <= {{ var('detractor_watch') }}
                then 'detractor_watch'
        end as program_role
    from ranked

)

select * from final
