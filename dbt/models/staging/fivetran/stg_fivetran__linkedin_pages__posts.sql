-- Fivetran's linkedin_pages__ugc_post_history: one row per post version; the latest version wins.
with

source as (

    select * from {{ source('fivetran', 'fivetran__linkedin_pages__ugc_post_history') }}

),

latest as (

    {{ latest_landing('source', 'id', order_first='last_modified_time desc, _fivetran_synced desc') }}

),

renamed as (

    select
        id as post_urn,
        -- ugc_post_share_statistic links statistics by the numeric part of the URN
        split_part(id, ':', 4) as post_number,
        author as organization_urn,
        commentary,
        coalesce(first_published_at, created_time) as published_at,
        lifecycle_state,
        _loaded_at

    from latest

)

select * from renamed
