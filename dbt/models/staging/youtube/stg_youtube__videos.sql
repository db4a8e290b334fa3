{{ config(unique_key='video_id') }}
{%- set landing = landing_state(source('youtube', 'youtube__videos')) %}
with

source as (

    {{ landings(source('youtube', 'youtube__videos'), landing, 'id', 'video_id') }}

),

renamed as (

    select
        id as video_id,
        channel_id,
        channel_title,
        title,
        published_at,
        duration,
        view_count,
        like_count,
        comment_count,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'video_id', landing) }}

)

select * from final
