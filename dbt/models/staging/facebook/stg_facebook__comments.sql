with

source as (

    select * from {{ source('facebook', 'facebook__comments') }}

),

-- A comment lands again whenever its post's feed page is fetched again.
latest as (

    {{ latest_landing('source', 'id') }}

),

renamed as (

    select
        id as comment_id,
        post_id,
        -- The Page that owns the post: Graph post ids are "{page-id}_{post}".
        split_part(post_id, '_', 1) as page_id,
        parent_id as parent_comment_id,
        message as text,
        created_time as created_at,
        from_id,
        from_name,
        like_count,
        comment_count as reply_count,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
