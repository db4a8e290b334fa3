with

source as (

    select * from {{ source('linkedin', 'linkedin__posts') }}

),

latest as (

    {{ latest_landing('source', 'id') }}

),

renamed as (

    select
        id as post_urn,
        author as organization_urn,
        commentary,
        coalesce(published_at, created_at) as published_at,
        lifecycle_state,
        case
            when media_id like 'urn:li:video:%' then 'video'
            when media_id is not null then 'image'
            when article_url is not null then 'link'
            else 'text'
        end as content_type,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
