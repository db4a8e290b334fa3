-- The Kaggle "Twitter US Airline Sentiment" tweets: mentions of six US airlines with a human
-- sentiment label (and, for negative ones, the reason).
with

source as (

    select * from {{ source('airline_sentiment', 'airline_sentiment__tweets') }}

),

latest as (

    {{ latest_landing('source', 'tweet_id') }}

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
        _loaded_at

    from latest

)

select * from renamed
