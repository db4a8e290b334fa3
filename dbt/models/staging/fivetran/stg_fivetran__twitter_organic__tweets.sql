-- Fivetran's twitter_organic__tweet: the ads account's organic tweets.
with

source as (

    select * from {{ source('fivetran', 'fivetran__twitter_organic__tweet') }}

),

latest as (

    {{ latest_landing('source', 'id', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        id as tweet_id,
        account_id,
        user_id,
        created_at,
        full_text,
        in_reply_to_status_id,
        favorite_count,
        retweet_count,
        _loaded_at

    from latest

)

select * from renamed
