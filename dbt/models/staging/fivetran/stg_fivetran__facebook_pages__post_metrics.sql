-- Fivetran's facebook_pages__lifetime_post_metrics_total: lifetime totals reported daily; the latest day is the current total.
with

source as (

    select * from {{ source('fivetran', 'fivetran__facebook_pages__lifetime_post_metrics_total') }}

),

latest as (

    {{ latest_landing('source', 'post_id', order_first='date desc, _fivetran_synced desc') }}

),

renamed as (

    select
        post_id,
        date as reported_at,
        post_impressions,
        post_engaged_users,
        post_clicks,
        coalesce(post_reactions_like_total, 0) + coalesce(post_reactions_love_total, 0)
            + coalesce(post_reactions_haha_total, 0) + coalesce(post_reactions_wow_total, 0)
            + coalesce(post_reactions_sorry_total, 0) + coalesce(post_reactions_anger_total, 0)
            as reactions,
        _loaded_at

    from latest

)

select * from renamed
