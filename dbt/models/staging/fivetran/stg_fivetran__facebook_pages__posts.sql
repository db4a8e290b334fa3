-- Fivetran's facebook_pages__post_history: one row per post version; the latest version wins.
with

source as (

    select * from {{ source('fivetran', 'fivetran__facebook_pages__post_history') }}

),

latest as (

    {{ latest_landing('source', 'id', order_first='updated_time desc, _fivetran_synced desc') }}

),

renamed as (

    select
        id as post_id,
        page_id,
        message,
        created_time as created_at,
        status_type,
        {{ facebook_content_type('status_type') }} as content_type,
        share_count,
        is_published,
        _loaded_at

    from latest

)

select * from renamed
