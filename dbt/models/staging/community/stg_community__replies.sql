{{ config(unique_key='reply_id') }}
{%- set landing = landing_state(source('community', 'community__replies')) %}
with

source as (

    {{ landings(source('community', 'community__replies'), landing, 'reply_id') }}

),

renamed as (

    select
        reply_id,
        thread_id,
        author_user_id,
        coalesce(author_is_staff, false) as is_staff,
        created_at,
        coalesce(is_accepted_solution, false) as is_accepted_solution,
        kudos,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'reply_id', landing) }}

)

select * from final
