{{ config(unique_key='thread_id') }}
{%- set landing = landing_state(source('community', 'community__threads')) %}
with

source as (

    {{ landings(source('community', 'community__threads'), landing, 'thread_id') }}

),

renamed as (

    select
        thread_id,
        board,
        nullif(business_unit, '') as business_unit,
        title,
        lower(kind) as thread_kind,
        author_user_id,
        created_at,
        views,
        solved_at,
        nullif(accepted_reply_id, '') as accepted_reply_id,
        {{ lineage_columns() }}

    from source

),

-- A thread is exported again when it changes (views, a solution accepted): the latest wins.
final as (

    {{ latest_landing('renamed', 'thread_id', landing) }}

)

select * from final
