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

unioned as (

    select * from x_owned
    union all
    select * from facebook_owned

)

select * from unioned
