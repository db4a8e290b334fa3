{{ config(unique_key='message_id') }}
{%- set landing = landing_state(source('facebook', 'facebook__messages')) %}
with

source as (

    {{ landings(source('facebook', 'facebook__messages'), landing, 'id', 'message_id') }}

),

renamed as (

    select
        id as message_id,
        conversation_id,
        message as text,
        created_time as created_at,
        from_id,
        from_name,
        to_id,
        {{ lineage_columns() }}

    from source

),

-- A message lands again whenever its conversation is fetched again.
final as (

    {{ latest_landing('renamed', 'message_id', landing) }}

)

select * from final
