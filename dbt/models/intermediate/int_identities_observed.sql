-- Every customer account seen doing something: an X author (API tweets; the twcs import's
-- authors are anonymised and carry no key) or follower of a brand account, a Facebook user (comments, Messenger), a logged-in
-- web visitor (the SHA-256 of the login e-mail), a community member. Each with the exact key
-- the CRM could record for it. Brand accounts and community staff are not customers.
with

brand_accounts as (

    select platform, account_id from {{ ref('brand_accounts') }}

),

-- An X account is seen when it tweets and when it is on a brand's follower list (the snapshot
-- time is when it was seen there); `activities` counts its tweets only.
x_seen as (

    select author_id as account_id, lower(author_username) as handle, created_at as seen_at, 1 as activity
    from {{ ref('stg_x__tweets') }}
    union all
    select follower_id, lower(follower_username), snapshot_at, 0
    from {{ ref('stg_x__followers') }}

),

x_authors as (

    select
        'x' as platform,
        s.account_id,
        'x_handle' as key_type,
        -- the handle can change: the latest one is the key (of two seen at the same instant,
        -- the greater; a NULL handle or time is no evidence)
        max_by(s.handle, (s.seen_at, s.handle)) filter (where s.handle is not null and s.seen_at is not null)
            as key_value,
        min(s.seen_at) as first_seen_at,
        max(s.seen_at) as last_seen_at,
        sum(s.activity) as activities
    from x_seen as s
    anti join brand_accounts as b on b.platform = 'x' and b.account_id = s.account_id
    group by s.account_id

),

facebook_activity as (

    select from_id, created_at from {{ ref('stg_facebook__comments') }}
    union all
    select from_id, created_at from {{ ref('stg_facebook__messages') }}

),

facebook_users as (

    select
        'facebook' as platform,
        a.from_id as account_id,
        'facebook_id' as key_type,
        a.from_id as key_value,
        min(a.created_at) as first_seen_at,
        max(a.created_at) as last_seen_at,
        count(*) as activities
    from facebook_activity as a
    anti join brand_accounts as b on b.platform = 'facebook' and b.account_id = a.from_id
    group by a.from_id

),

web_visitors as (

    select
        'web' as platform,
        email_sha256 as account_id,
        'email_sha256' as key_type,
        email_sha256 as key_value,
        min(started_at) as first_seen_at,
        max(started_at) as last_seen_at,
        count(*) as activities
    from {{ ref('stg_web__sessions') }}
    where email_sha256 is not null
    group by email_sha256

),

community_activity as (

    select author_user_id, created_at from {{ ref('stg_community__threads') }}
    union all
    select author_user_id, created_at from {{ ref('stg_community__replies') }} where not is_staff
    union all
    select author_user_id, created_at from {{ ref('stg_community__ideas') }}

),

community_members as (

    select
        'community' as platform,
        author_user_id as account_id,
        'community_user_id' as key_type,
        author_user_id as key_value,
        min(created_at) as first_seen_at,
        max(created_at) as last_seen_at,
        count(*) as activities
    from community_activity
    group by author_user_id

),

final as (

    select * from x_authors
    union all
    select * from facebook_users
    union all
    select * from web_visitors
    union all
    select * from community_members

)

select * from final
