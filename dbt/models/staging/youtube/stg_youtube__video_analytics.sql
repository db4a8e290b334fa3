with

source as (

    select * from {{ source('youtube', 'youtube__video_analytics') }}

),

-- A day's report is revised for a few days: keep each video-day's latest landing.
latest as (

    {{ latest_landing('source', 'video, day') }}

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
        _loaded_at

    from latest

)

select * from renamed
