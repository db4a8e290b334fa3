{{ config(unique_key='comment_id') }}
{%- set landing = landing_state(source('facebook', 'facebook__comments')) %}
with

source as (

    {{ landings(source('facebook', 'facebook__comments'), landing, 'id', 'comment_id') }}

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
        {{ lineage_columns() }}

    from source

),

-- A comment lands again whenever its post's feed page is fetched again.
final as (

    {{ latest_landing('renamed', 'comment_id', landing) }}

)

select * from final
