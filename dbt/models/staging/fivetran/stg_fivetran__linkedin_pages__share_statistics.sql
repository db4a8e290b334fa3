-- Fivetran's linkedin_pages__share_statistic: lifetime statistics of a share or UGC post.
with

source as (

    select * from {{ source('fivetran', 'fivetran__linkedin_pages__share_statistic') }}

),

latest as (

    {{ latest_landing('source', '_fivetran_id', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        _fivetran_id as share_statistic_id,
        _share_entity_urn as share_urn,
        _organization_entity_urn as organization_urn,
        impression_count,
        click_count,
        like_count,
        comment_count,
        share_count,
        _loaded_at

    from latest

)

select * from renamed
