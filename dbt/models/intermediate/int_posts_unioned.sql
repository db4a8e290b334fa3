-- Owned posts of every platform in one shape: the posts our registered accounts published
-- themselves (not replies to customers, not reposts of someone else's post).
with

brand_accounts as (

    select * from {{ ref('brand_accounts') }}

),

tweets as (

    select * from {{ ref('stg_x__tweets') }}

),

facebook_posts as (

    select * from {{ ref('stg_facebook__posts') }}

),


x_owned as (

    select
        tweets.tweet_id as post_id,
        'x' as platform,
        'api' as source_system,
        brand_accounts.brand,
        tweets.author_id as account_id,
        coalesce(tweets.author_username, brand_accounts.account_handle) as account_handle,
        tweets.created_at as posted_at,
        tweets.content_type,
        tweets.impression_count as impressions,
        tweets.like_count as reactions,
        tweets.reply_count as comments,
        tweets.retweet_count + tweets.quote_count as shares

    from tweets
    inner join brand_accounts
        on brand_accounts.platform = 'x'
        and brand_accounts.account_id = tweets.author_id
    where tweets.replied_to_tweet_id is null
        and not tweets.is_retweet

),

facebook_owned as (

    select
        facebook_posts.post_id,
        'facebook' as platform,
        'api' as source_system,
        -- A page not (yet) registered still shows, under its own name.
        coalesce(brand_accounts.brand, facebook_posts.page_name, facebook_posts.page_id) as brand,
        facebook_posts.page_id as account_id,
        coalesce(facebook_posts.page_name, brand_accounts.account_handle) as account_handle,
        facebook_posts.created_at as posted_at,
        facebook_posts.content_type,
        facebook_posts.post_impressions as impressions,
        facebook_posts.reactions_count as reactions,
        facebook_posts.comments_count as comments,
        facebook_posts.shares_count as shares

    from facebook_posts
    left join brand_accounts
        on brand_accounts.platform = 'facebook'
        and brand_accounts.account_id = facebook_posts.page_id

),

instagram_owned as (

    select
        media.media_id as post_id,
        'instagram' as platform,
        'api' as source_system,
        {{ brand_of('media.account_handle') }} as brand,
        media.account_id,
        media.account_handle,
        media.created_at as posted_at,
        media.content_type,
        media.impressions,
        media.like_count as reactions,
        media.comments_count as comments,
        media.shares

    from {{ ref('stg_instagram__media') }} as media
    {{ brand_of_join('instagram', 'media.account_id') }}

),

linkedin_owned as (

    select
        posts.post_urn as post_id,
        'linkedin' as platform,
        'api' as source_system,
        {{ brand_of('posts.organization_urn') }} as brand,
        posts.organization_urn as account_id,
        posts.organization_urn as account_handle,
        posts.published_at as posted_at,
        posts.content_type,
        stats.impression_count as impressions,
        stats.like_count as reactions,
        stats.comment_count as comments,
        stats.share_count as shares

    from {{ ref('stg_linkedin__posts') }} as posts
    {{ brand_of_join('linkedin', 'posts.organization_urn') }}
    left join {{ ref('stg_linkedin__share_statistics') }} as stats
        on stats.post_urn = posts.post_urn
    where posts.lifecycle_state is distinct from 'DRAFT'

),

youtube_shares as (

    select video_id, sum(shares) as shares
    from {{ ref('stg_youtube__video_analytics') }}
    group by video_id

),

youtube_owned as (

    select
        videos.video_id as post_id,
        'youtube' as platform,
        'api' as source_system,
        {{ brand_of('videos.channel_title') }} as brand,
        videos.channel_id as account_id,
        videos.channel_title as account_handle,
        videos.published_at as posted_at,
        'video' as content_type,
        -- YouTube reports views, not impressions: no engagement rate rather than a wrong one.
        null::bigint as impressions,
        videos.like_count as reactions,
        videos.comment_count as comments,
        youtube_shares.shares

    from {{ ref('stg_youtube__videos') }} as videos
    {{ brand_of_join('youtube', 'videos.channel_id') }}
    left join youtube_shares on youtube_shares.video_id = videos.video_id

),

-- The same posts as Fivetran's connectors land them, for teams that already run those.
fivetran_facebook as (

    select
        posts.post_id,
        'facebook' as platform,
        'fivetran' as source_system,
        {{ brand_of('posts.page_id') }} as brand,
        posts.page_id as account_id,
        posts.page_id as account_handle,
        posts.created_at as posted_at,
        posts.content_type,
        metrics.post_impressions as impressions,
        metrics.reactions,
        null::bigint as comments,  -- the connector's post tables carry no comment count
        posts.share_count as shares

    from {{ ref('stg_fivetran__facebook_pages__posts') }} as posts
    {{ brand_of_join('facebook', 'posts.page_id') }}
    left join {{ ref('stg_fivetran__facebook_pages__post_metrics') }} as metrics
        on metrics.post_id = posts.post_id
    where posts.is_published is distinct from false

),

fivetran_instagram as (

    select
        media.media_id as post_id,
        'instagram' as platform,
        'fivetran' as source_system,
        {{ brand_of('media.account_handle') }} as brand,
        media.account_id,
        media.account_handle,
        media.created_at as posted_at,
        media.content_type,
        insights.impressions,
        insights.like_count as reactions,
        insights.comment_count as comments,
        insights.shares

    from {{ ref('stg_fivetran__instagram_business__media') }} as media
    {{ brand_of_join('instagram', 'media.account_id') }}
    left join {{ ref('stg_fivetran__instagram_business__media_insights') }} as insights
        on insights.media_id = media.media_id
    where not media.is_story

),

fivetran_linkedin as (

    select
        posts.post_urn as post_id,
        'linkedin' as platform,
        'fivetran' as source_system,
        {{ brand_of('posts.organization_urn') }} as brand,
        posts.organization_urn as account_id,
        posts.organization_urn as account_handle,
        posts.published_at as posted_at,
        'text' as content_type,  -- the connector's post history does not say which media it carries
        stats.impression_count as impressions,
        stats.like_count as reactions,
        stats.comment_count as comments,
        stats.share_count as shares

    from {{ ref('stg_fivetran__linkedin_pages__posts') }} as posts
    {{ brand_of_join('linkedin', 'posts.organization_urn') }}
    left join {{ ref('stg_fivetran__linkedin_pages__post_share_statistics') }} as link
        on link.post_number = posts.post_number
    left join {{ ref('stg_fivetran__linkedin_pages__share_statistics') }} as stats
        on stats.share_statistic_id = link.share_statistic_id
    where posts.lifecycle_state is distinct from 'DRAFT'

),

fivetran_tweet_totals as (

    -- Placements (ALL_ON_TWITTER, PUBLISHER_NETWORK) are disjoint: a tweet's total is their sum.
    select
        tweet_id,
        sum(impressions) as impressions,
        sum(likes) as likes,
        sum(replies) as replies,
        sum(retweets) as retweets
    from {{ ref('stg_fivetran__twitter_organic__tweet_report') }}
    group by tweet_id

),

fivetran_x as (

    select
        tweets.tweet_id as post_id,
        'x' as platform,
        'fivetran' as source_system,
        {{ brand_of('tweets.user_id') }} as brand,
        tweets.user_id as account_id,
        tweets.user_id as account_handle,
        tweets.created_at as posted_at,
        'text' as content_type,  -- media keys without the media table: type unknown, counted as text
        totals.impressions,
        coalesce(totals.likes, tweets.favorite_count) as reactions,
        totals.replies as comments,
        coalesce(totals.retweets, tweets.retweet_count) as shares

    from {{ ref('stg_fivetran__twitter_organic__tweets') }} as tweets
    {{ brand_of_join('x', 'tweets.user_id') }}
    left join fivetran_tweet_totals as totals on totals.tweet_id = tweets.tweet_id
    where tweets.in_reply_to_status_id is null

),

fivetran_youtube as (

    select
        videos.video_id as post_id,
        'youtube' as platform,
        'fivetran' as source_system,
        {{ brand_of('videos.channel_title') }} as brand,
        videos.channel_id as account_id,
        videos.channel_title as account_handle,
        videos.published_at as posted_at,
        'video' as content_type,
        null::bigint as impressions,
        videos.like_count as reactions,
        videos.comment_count as comments,
        null::bigint as shares

    from {{ ref('stg_fivetran__youtube_analytics__videos') }} as videos
    {{ brand_of_join('youtube', 'videos.channel_id') }}

),

unioned as (

    select * from x_owned
    union all
    select * from facebook_owned
    union all
    select * from instagram_owned
    union all
    select * from linkedin_owned
    union all
    select * from youtube_owned
    union all
    select * from fivetran_facebook
    union all
    select * from fivetran_instagram
    union all
    select * from fivetran_linkedin
    union all
    select * from fivetran_x
    union all
    select * from fivetran_youtube

),

-- A post landed both from the platform's API and from a Fivetran connector counts once:
-- the API's copy, which groundswell fetched itself, wins. Two copies of one source (a LinkedIn
-- post with two of the connector's share statistics) leave the one with the greater counts,
-- whichever engine reads them.
deduplicated as (

    select *
    from unioned
    qualify row_number() over (
        partition by platform, post_id
        order by
            case source_system when 'api' then 0 else 1 end,
            impressions desc nulls last, reactions desc nulls last, comments desc nulls last,
            shares desc nulls last, posted_at asc nulls last, account_id asc nulls last
    ) = 1

)

select * from deduplicated
