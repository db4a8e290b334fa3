-- One row per twcs tweet, its latest landing (the same export imported twice keeps the latest).
{{ config(unique_key='tweet_id') }}
{%- set landing = landing_state(source('customer_support', 'customer_support__tweets')) %}
with

source as (

    {{ landings(source('customer_support', 'customer_support__tweets'), landing, 'tweet_id') }}

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
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'tweet_id', landing) }}

)

select * from final
