-- One row per owned post with its reach and engagement (definitions: docs/metrics.md).
with

posts as (

    select * from {{ ref('int_posts_unioned') }}

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

    from posts

)

select * from final
