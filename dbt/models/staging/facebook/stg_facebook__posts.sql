with

source as (

    select * from {{ source('facebook', 'facebook__posts') }}

),

-- Insights grow for days after posting: keep the latest landing of each post.
latest as (

    {{ latest_landing('source', 'id') }}

),

renamed as (

    select
        id as post_id,
        page_id,
        page_name,
        message,
        created_time as created_at,
        status_type,
        {{ facebook_content_type('status_type') }} as content_type,
        permalink_url,
        reactions_count,
        comments_count,
        shares_count,
        post_impressions,
        post_impressions_unique,
        post_clicks,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
