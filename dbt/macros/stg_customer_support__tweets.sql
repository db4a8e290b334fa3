{#- The body of stg_customer_support__tweets: one row per twcs tweet, its latest landing.

    `loaded_since` (a timestamp literal) keeps only the tweets whose latest landing is
    after it, filtering the raw table *before* the dedup window (equivalent: a landing
    after `loaded_since` outranks every earlier one) so DuckDB reads only the newest row groups.
    The staging view calls it without a filter; int_care_messages' incremental branch with its
    watermark, so the two never drift apart. -#}
{% macro stg_customer_support__tweets(loaded_since=none) -%}
with

source as (

    select * from {{ source('customer_support', 'customer_support__tweets') }}
    {%- if loaded_since is not none %}
    where _loaded_at > cast('{{ loaded_since }}' as timestamp)
    {%- endif %}

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
{%- endmacro %}
