-- The current followers of each brand X account: its latest snapshot of the list (a fetch is the
-- whole list, so an account missing from it has unfollowed).
with

source as (

    select * from {{ source('x', 'x__followers') }}

),

latest_snapshot as (

    select *
    from source
    qualify snapshot_at = max(snapshot_at) over (partition by followed_id)

),

-- The same snapshot landed again (a re-run of the fetch replaces its files) holds what the
-- latest landing says: one row per follower (landing quarantines a follower listed twice).
latest_landing as (

    select *
    from latest_snapshot
    qualify _loaded_at = max(_loaded_at) over (partition by followed_id)

),

renamed as (

    select
        followed_id as followed_account_id,
        id as follower_id,
        username as follower_username,
        followers_count as follower_followers,
        snapshot_at

    from latest_landing

)

select * from renamed
