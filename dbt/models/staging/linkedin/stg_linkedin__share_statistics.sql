with

source as (

    select * from {{ source('linkedin', 'linkedin__share_statistics') }}

),

-- Lifetime statistics grow: the latest landing is the current total.
latest as (

    {{ latest_landing('source', 'post_id') }}

),

renamed as (

    select
        post_id as post_urn,
        organization as organization_urn,
        impression_count,
        unique_impressions_count,
        click_count,
        like_count,
        comment_count,
        share_count,
        _loaded_at

    from latest

)

select * from renamed
