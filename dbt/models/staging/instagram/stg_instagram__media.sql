{{ config(unique_key='media_id') }}
{%- set landing = landing_state(source('instagram', 'instagram__media')) %}
with

source as (

    {{ landings(source('instagram', 'instagram__media'), landing, 'id', 'media_id') }}

),

renamed as (

    select
        id as media_id,
        owner_id as account_id,
        username as account_handle,
        caption,
        lower(media_type) as media_type,
        case lower(media_type)
            when 'video' then 'video'
            else 'image'  -- IMAGE and CAROUSEL_ALBUM: Instagram has no text-only post
        end as content_type,
        media_product_type,
        permalink,
        {{ adapter.quote("timestamp") }} as created_at,
        like_count,
        comments_count,
        impressions,
        reach,
        saved,
        shares,
        {{ lineage_columns() }}

    from source

),

-- Likes and insights grow after posting: keep the latest landing of each media.
final as (

    {{ latest_landing('renamed', 'media_id', landing) }}

)

select * from final
