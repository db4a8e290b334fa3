-- Fivetran's twitter_organic__organic_tweet_report: daily metrics per tweet and placement (ALL_ON_TWITTER, PUBLISHER_NETWORK).
with

source as (

    select * from {{ source('fivetran', 'fivetran__twitter_organic__organic_tweet_report') }}

),

latest as (

    {{ latest_landing('source', 'organic_tweet_id, date, placement', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        organic_tweet_id as tweet_id,
        date as report_date,
        placement,
        impressions,
        engagements,
        likes,
        replies,
        retweets,
        clicks,
        url_clicks,
        _loaded_at

    from latest

)

select * from renamed
