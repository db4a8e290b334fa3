with

source as (

    select * from {{ source('listening', 'listening__mentions') }}

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
