-- Fivetran's linkedin_pages__ugc_post_share_statistic: which statistics row belongs to which UGC post.
with

source as (

    select * from {{ source('fivetran', 'fivetran__linkedin_pages__ugc_post_share_statistic') }}

),

latest as (

    {{ latest_landing('source', 'share_statistic_id, ugc_post_id', order_first='_fivetran_synced desc') }}

),

renamed as (

    select
        share_statistic_id,
        ugc_post_id as post_number,
        _loaded_at

    from latest

)

select * from renamed
