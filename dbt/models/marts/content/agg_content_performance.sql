-- What content works where (seed 004, step 4: which types do target customers prefer, and when):
-- owned posts per brand, platform, content type and local posting slot (weekday × hour), with
-- the engagement rate of the pooled posts. Sum the counts over any of these columns and divide
-- again for a coarser view (by type, by slot); never average the rates. Definitions:
-- docs/metrics.md#content.
with

posts as (

    select * from {{ ref('fct_post_performance') }}

),

final as (

    select
        brand,
        platform,
        content_type,
        posting_weekday,
        posting_hour,
        count(*) as posts,
        count(*) filter (where impressions > 0) as posts_with_impressions,
        sum(impressions) filter (where impressions > 0) as impressions,
        sum(engagements) as engagements,
        sum(engagements) filter (where impressions > 0) as engagements_with_impressions,
        sum(engagements) filter (where impressions > 0) / nullif(sum(impressions) filter (where impressions > 0), 0)
            as engagement_rate
    from posts
    group by brand, platform, content_type, posting_weekday, posting_hour

)

select * from final
