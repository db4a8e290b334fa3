-- Fivetran's instagram_business__media_history: one row per sync; the latest sync wins.
with

source as (

    select * from {{ source('fivetran', 'fivetran__instagram_business__media_history') }}

),

latest as (

    {{ latest_landing('source', 'id', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        id as media_id,
        user_id as account_id,
        username as account_handle,
        caption,
        lower(media_type) as media_type,
        case lower(media_type) when 'video' then 'video' else 'image' end as content_type,
        created_time as created_at,
        coalesce(is_story, false) as is_story,
        _loaded_at

    from latest

)

select * from renamed
