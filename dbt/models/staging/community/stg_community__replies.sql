with

source as (

    select * from {{ source('community', 'community__replies') }}

),

latest as (

    {{ latest_landing('source', 'reply_id') }}

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
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
