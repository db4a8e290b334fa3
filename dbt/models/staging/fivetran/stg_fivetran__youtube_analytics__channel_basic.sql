-- Fivetran's youtube_analytics__channel_basic: daily views and engagement per video, country and audience slice.
with

source as (

    select * from {{ source('fivetran', 'fivetran__youtube_analytics__channel_basic') }}

),

latest as (

    {{ latest_landing('source', '_fivetran_id', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        date as report_date,
        channel_id,
        video_id,
        views,
        likes,
        comments,
        shares,
        watch_time_minutes,
        subscribers_gained,
        _loaded_at

    from latest

)

select * from renamed
