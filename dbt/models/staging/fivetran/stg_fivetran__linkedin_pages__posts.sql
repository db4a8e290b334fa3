-- Fivetran's linkedin_pages__ugc_post_history: one row per post version; the latest version wins.
{{ config(unique_key='post_urn') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__linkedin_pages__ugc_post_history')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__linkedin_pages__ugc_post_history'), landing, 'id', 'post_urn') }}

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
        last_modified_time as _last_modified_time,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'post_urn', landing, order_first='_last_modified_time desc, _fivetran_synced desc') }}

)

select * from final
