with

source as (

    select * from {{ source('customer_support', 'customer_support__tweets') }}

),

-- The same export imported twice keeps one row per tweet: the latest import.
latest as (

    {{ latest_landing('source', 'tweet_id') }}

),

renamed as (

    select
        tweet_id,
        author_id,
        -- Trust the flag, not the author: some agents are anonymised as customer numbers.
        inbound as is_inbound,
        created_at,
        text,
        in_response_to_tweet_id,
        response_tweet_ids,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
