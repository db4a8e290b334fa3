{{ config(unique_key='post_id') }}
{%- set landing = landing_state(source('facebook', 'facebook__posts')) %}
with

source as (

    {{ landings(source('facebook', 'facebook__posts'), landing, 'id', 'post_id') }}

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
        {{ lineage_columns() }}

    from source

),

-- Insights grow for days after posting: keep the latest landing of each post.
final as (

    {{ latest_landing('renamed', 'post_id', landing) }}

)

select * from final
