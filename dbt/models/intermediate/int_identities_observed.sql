-- Every customer account seen doing something: an X author (API tweets; the twcs import's
-- authors are anonymised and carry no key), a Facebook user (comments, Messenger), a logged-in
-- web visitor (the SHA-256 of the login e-mail), a community member. Each with the exact key
-- the CRM could record for it. Brand accounts and community staff are not customers.
with

brand_accounts as (

    select platform, account_id from {{ ref('brand_accounts') }}

),

x_authors as (

    select
        'x' as platform,
        t.author_id as account_id,
        'x_handle' as key_type,
        -- the handle can change: the latest one is the key
        arg_max(lower(t.author_username), t.created_at) as key_value,
        min(t.created_at) as first_seen_at,
        max(t.created_at) as last_seen_at,
        count(*) as activities
    from {{ ref('stg_x__tweets') }} as t
    anti join brand_accounts as b on b.platform = 'x' and b.account_id = t.author_id
    group by t.author_id

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
