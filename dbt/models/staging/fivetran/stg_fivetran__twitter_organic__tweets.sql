-- Fivetran's twitter_organic__tweet: the ads account's organic tweets.
{{ config(unique_key='tweet_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__twitter_organic__tweet')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__twitter_organic__tweet'), landing, 'id', 'tweet_id') }}

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
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'tweet_id', landing, order_first='_fivetran_synced desc') }}

)

select * from final
