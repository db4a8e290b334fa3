with

source as (

    select * from {{ source('community', 'community__ideas') }}

),

-- An idea is exported again when its status changes: the latest landing is its current status.
latest as (

    {{ latest_landing('source', 'idea_id') }}

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
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
