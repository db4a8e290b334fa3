-- Fivetran's facebook_pages__lifetime_post_metrics_total: lifetime totals reported daily; the latest day is the current total.
{{ config(unique_key='post_id') }}
{%- set landing = landing_state(source('fivetran', 'fivetran__facebook_pages__lifetime_post_metrics_total')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__facebook_pages__lifetime_post_metrics_total'), landing, 'post_id') }}

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
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'post_id', landing, order_first='reported_at desc, _fivetran_synced desc') }}

)

select * from final
