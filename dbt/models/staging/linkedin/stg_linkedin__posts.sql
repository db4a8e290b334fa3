{{ config(unique_key='post_urn') }}
{%- set landing = landing_state(source('linkedin', 'linkedin__posts')) %}
with

source as (

    {{ landings(source('linkedin', 'linkedin__posts'), landing, 'id', 'post_urn') }}

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
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'post_urn', landing) }}

)

select * from final
