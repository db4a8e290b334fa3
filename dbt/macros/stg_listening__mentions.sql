{#- The body of stg_listening__mentions: one row per mention, its latest landing.

    `where` (a condition on raw.listening__mentions) restricts the raw rows *before* the dedup
    window. Only two kinds are equivalent to filtering the view's result: all the rows of some
    mention_ids, or the rows landed after a watermark (a landing after it outranks every earlier
    one, so the mentions it holds keep the same latest landing). fct_mentions' incremental
    branch uses both, so DuckDB reads only the newest row groups; the view calls it without a
    filter, so the two never drift apart. -#}
{% macro stg_listening__mentions(where=none) -%}
with

source as (

    select * from {{ source('listening', 'listening__mentions') }}
    {%- if where %}
    where {{ where }}
    {%- endif %}

),

-- A mention lands again when a later export repeats it (fresher engagement): keep the latest.
latest as (

    {{ latest_landing('source', 'mention_id') }}

),

renamed as (

    select
        mention_id,
        platform,
        matched_brand as brand,
        created_at as mentioned_at,
        url,
        text,
        lang,
        author_id,
        author_handle,
        author_followers,
        -- lower case, without "#": hashtags match case-insensitively, as on the platforms
        list_transform(coalesce(from_json(hashtags, '["VARCHAR"]'), []), lambda t: lower(t)) as hashtags,
        in_reply_to_id,
        likes,
        shares,
        replies,
        tool_sentiment,
        _loaded_at

    from latest

)

select * from renamed
{%- endmacro %}
