-- Fivetran's youtube_analytics__video: one row per sync; the latest sync wins.
{{ config(unique_key='video_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__youtube_analytics__video')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__youtube_analytics__video'), landing, 'id', 'video_id') }}

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
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'video_id', landing, order_first='_fivetran_synced desc') }}

)

select * from final
