-- Fivetran's instagram_business__media_insights: one row per sync; the latest sync wins.
{{ config(unique_key='media_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__instagram_business__media_insights')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__instagram_business__media_insights'), landing, 'id', 'media_id') }}

),

renamed as (

    select
        id as media_id,
        like_count,
        comment_count,
        -- Instagram reports reach and impressions per media kind; one of them applies.
        coalesce(video_photo_impressions, carousel_album_impressions, story_impressions, reel_plays)
            as impressions,
        coalesce(video_photo_reach, carousel_album_reach, story_reach, reel_reach) as reach,
        coalesce(video_photo_shares, carousel_album_shares, reel_shares) as shares,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'media_id', landing, order_first='_fivetran_synced desc') }}

)

select * from final
