with

source as (

    select * from {{ source('community', 'community__threads') }}

),

-- A thread is exported again when it changes (views, a solution accepted): the latest wins.
latest as (

    {{ latest_landing('source', 'thread_id') }}

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
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
