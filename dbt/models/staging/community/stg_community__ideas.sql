{{ config(unique_key='idea_id') }}
{%- set landing = landing_state(source('community', 'community__ideas')) %}
with

source as (

    {{ landings(source('community', 'community__ideas'), landing, 'idea_id') }}

),

renamed as (

    select
        idea_id,
        nullif(business_unit, '') as business_unit,
        title,
        author_user_id,
        created_at,
        lower(status) as idea_status,
        lower(status) = 'adopted' as is_adopted,
        status_changed_at,
        votes,
        {{ lineage_columns() }}

    from source

),

-- An idea is exported again when its status changes: the latest landing is its current status.
final as (

    {{ latest_landing('renamed', 'idea_id', landing) }}

)

select * from final
