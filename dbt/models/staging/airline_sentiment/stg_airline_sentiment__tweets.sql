-- The Kaggle "Twitter US Airline Sentiment" tweets: mentions of six US airlines with a human
-- sentiment label (and, for negative ones, the reason).
{{ config(unique_key='tweet_id') }}
{%- set landing = landing_state(source('airline_sentiment', 'airline_sentiment__tweets')) %}
with

source as (

    {{ landings(source('airline_sentiment', 'airline_sentiment__tweets'), landing, 'tweet_id') }}

),

renamed as (

    select
        tweet_id,
        airline as brand,
        tweet_created as mentioned_at,
        name as author_handle,
        text,
        airline_sentiment as human_sentiment,
        negativereason as human_negative_reason,
        retweet_count,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'tweet_id', landing) }}

)

select * from final
