-- Fivetran's youtube_analytics__video: one row per sync; the latest sync wins.
with

source as (

    select * from {{ source('fivetran', 'fivetran__youtube_analytics__video') }}

),

latest as (

    {{ latest_landing('source', 'id', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        id as video_id,
        snippet_channel_id as channel_id,
        snippet_channel_title as channel_title,
        snippet_title as title,
        snippet_published_at as published_at,
        statistics_view_count as view_count,
        statistics_like_count as like_count,
        statistics_comment_count as comment_count,
        _loaded_at

    from latest

)

select * from renamed
