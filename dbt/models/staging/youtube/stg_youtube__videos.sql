with

source as (

    select * from {{ source('youtube', 'youtube__videos') }}

),

latest as (

    {{ latest_landing('source', 'id') }}

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
        _loaded_at

    from latest

)

select * from renamed
