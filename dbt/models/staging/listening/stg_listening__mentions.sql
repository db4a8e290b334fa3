-- One row per mention, its latest landing: a mention lands again when a later export repeats it
-- (fresher engagement).
{{ config(unique_key='mention_id') }}
{%- set landing = landing_state(source('listening', 'listening__mentions')) %}
with

source as (

    {{ landings(source('listening', 'listening__mentions'), landing, 'mention_id') }}

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
        {{ array_transform("coalesce(" ~ json_array('hashtags', 'string') ~ ", " ~ array_of([]) ~ ")", 't', 'lower(t)') }}
            as hashtags,
        in_reply_to_id,
        likes,
        shares,
        replies,
        tool_sentiment,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'mention_id', landing) }}

)

select * from final
