-- The current followers of each brand X account: its latest snapshot of the list (a fetch is the
-- whole list, so an account missing from it has unfollowed). Incremental like every staging model
-- (macros/latest_landing.sql), by followed account: a run reads the lists landed since its last
-- one and keeps, per account, the latest snapshot of what it holds and what landed.
{{ config(unique_key='followed_account_id') }}
{%- set landing = landing_state(source('x', 'x__followers')) %}
with

source as (

    {{ landings(source('x', 'x__followers'), landing, 'followed_id', 'followed_account_id') }}

),

renamed as (

    select
        followed_id as followed_account_id,
        id as follower_id,
        username as follower_username,
        followers_count as follower_followers,
        snapshot_at,
        {{ lineage_columns() }}

    from source

),

candidates as (

    select * from renamed
    {%- if landing.since is not none %}
    union all by name
    -- the lists held for the same accounts compete, unless a re-landing replaced their batch
    select * from {{ this }} as t
    where followed_account_id in (select followed_account_id from renamed)
    {%- if landing.replaced %}
        and not {{ replaced_by_landing(landing) }}
    {%- endif %}
    {%- endif %}

),

latest_snapshot as (

    select *
    from candidates
    qualify snapshot_at = max(snapshot_at) over (partition by followed_account_id)

),

-- The same snapshot landed again (a re-run of the fetch replaces its files) holds what the
-- latest landing says: one row per follower (landing quarantines a follower listed twice).
final as (

    select *
    from latest_snapshot
    qualify _loaded_at = max(_loaded_at) over (partition by followed_account_id)
    {%- if landing.replaced %}
    union all by name
    -- an account whose held list was replaced and that no landing lists any more: deleted
    select followed_account_id, null::bigint as _record_no
    from {{ this }} as t
    where {{ replaced_by_landing(landing) }}
        and followed_account_id not in (select followed_account_id from renamed)
    {%- endif %}

)

select * from final
