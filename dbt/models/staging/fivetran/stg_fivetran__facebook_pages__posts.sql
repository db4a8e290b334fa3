-- Fivetran's facebook_pages__post_history: one row per post version; the latest version wins.
{{ config(unique_key='post_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__facebook_pages__post_history')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__facebook_pages__post_history'), landing, 'id', 'post_id') }}

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
        updated_time as _updated_time,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'post_id', landing, order_first='_updated_time desc, _fivetran_synced desc') }}

)

select * from final
