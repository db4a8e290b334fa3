{{ config(unique_key='post_urn') }}
{%- set landing = landing_state(source('linkedin', 'linkedin__share_statistics')) %}
with

source as (

    {{ landings(source('linkedin', 'linkedin__share_statistics'), landing, 'post_id', 'post_urn') }}

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
        {{ lineage_columns() }}

    from source

),

-- Lifetime statistics grow: the latest landing is the current total.
final as (

    {{ latest_landing('renamed', 'post_urn', landing) }}

)

select * from final
