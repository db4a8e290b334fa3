-- Fivetran's youtube_analytics__channel_basic: daily views and engagement per video, country and audience slice.
{{ config(unique_key='_fivetran_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__youtube_analytics__channel_basic')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__youtube_analytics__channel_basic'), landing, '_fivetran_id') }}

),

renamed as (

    select
        _fivetran_id,
        date as report_date,
        channel_id,
        video_id,
        views,
        likes,
        comments,
        shares,
        watch_time_minutes,
        subscribers_gained,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', '_fivetran_id', landing, order_first='_fivetran_synced desc') }}

)

select * from final
