{{ config(unique_key=['video_id', 'report_date']) }}
{%- set landing = landing_state(source('youtube', 'youtube__video_analytics')) %}
with

source as (

    {{ landings(source('youtube', 'youtube__video_analytics'), landing, 'video, day', 'video_id, report_date') }}

),

renamed as (

    select
        video as video_id,
        day as report_date,
        views,
        estimated_minutes_watched,
        likes,
        comments,
        shares,
        subscribers_gained,
        {{ lineage_columns() }}

    from source

),

-- A day's report is revised for a few days: keep each video-day's latest landing.
final as (

    {{ latest_landing('renamed', 'video_id, report_date', landing) }}

)

select * from final
