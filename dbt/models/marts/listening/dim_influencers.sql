-- The authors who talk about each brand, scored (seed 004's roadmap: find the influencers, turn
-- the best into evangelists, as Microsoft's MVP programme names about 100 a year; watch the
-- detractors). One row per brand, platform and author of fct_mentions. Definitions:
-- docs/metrics.md#influencers.
--
-- Each author's figures come from agg_influencer_authors (incremental: a run recomputes the
-- authors whose mentions changed); this table scores and ranks every author of each brand
-- against the others, so it is rebuilt whole, from one row per author, never from the mentions.
with

authors as (

    select * except (_built_at) from {{ ref('agg_influencer_authors') }}

),

-- The weeks a brand was listened to (its first mention to its last): consistency is measured
-- against them.
brand_weeks as (

    select
        brand,
        {{ units_between('week', "date_trunc('week', min(first_mentioned_at))", "date_trunc('week', max(last_mentioned_at))") }} + 1
            as weeks_observed
    from authors
    group by brand

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
        -- ::bigint: DuckDB's row_number is a bigint, Spark's an int; the snapshot's type is one
        row_number() over (
            partition by brand
            order by (reach_score + engagement_score + consistency) / 3 desc, platform nulls last, author_id
        )::bigint as influence_rank,
        row_number() over (
            partition by brand, stance, is_active
            order by (reach_score + engagement_score + consistency) / 3 desc, platform nulls last, author_id
        )::bigint as rank_in_stance
    from scored

),

final as (

    select
        brand,
        platform,
        author_id,
        author_handle,
        public_handle,
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
