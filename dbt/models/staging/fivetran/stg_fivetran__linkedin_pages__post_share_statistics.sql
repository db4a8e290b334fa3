-- Fivetran's linkedin_pages__ugc_post_share_statistic: which statistics row belongs to which UGC post.
{{ config(unique_key=['share_statistic_id', 'post_number']) }}
{%- set landing = landing_state(source('fivetran', 'fivetran__linkedin_pages__ugc_post_share_statistic')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__linkedin_pages__ugc_post_share_statistic'), landing, 'share_statistic_id, ugc_post_id', 'share_statistic_id, post_number') }}

),

renamed as (

    select
        share_statistic_id,
        ugc_post_id as post_number,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'share_statistic_id, post_number', landing, order_first='_fivetran_synced desc') }}

)

select * from final
