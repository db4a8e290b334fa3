-- Fivetran's instagram_business__media_history: one row per sync; the latest sync wins.
{{ config(unique_key='media_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__instagram_business__media_history')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__instagram_business__media_history'), landing, 'id', 'media_id') }}

),

renamed as (

    select
        id as media_id,
        user_id as account_id,
        username as account_handle,
        caption,
        lower(media_type) as media_type,
        case lower(media_type) when 'video' then 'video' else 'image' end as content_type,
        created_time as created_at,
        coalesce(is_story, false) as is_story,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'media_id', landing, order_first='_fivetran_synced desc') }}

)

select * from final
