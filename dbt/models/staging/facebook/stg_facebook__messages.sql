with

source as (

    select * from {{ source('facebook', 'facebook__messages') }}

),

-- A message lands again whenever its conversation is fetched again.
latest as (

    {{ latest_landing('source', 'id') }}

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
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
