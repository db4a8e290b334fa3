-- Fivetran's linkedin_pages__share_statistic: lifetime statistics of a share or UGC post.
{{ config(unique_key='share_statistic_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__linkedin_pages__share_statistic')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__linkedin_pages__share_statistic'), landing, '_fivetran_id', 'share_statistic_id') }}

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
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'share_statistic_id', landing, order_first='_fivetran_synced desc') }}

)

select * from final
