-- The exact keys the CRM records for its contacts (the Social CRM of seed 002's hub and spoke
-- model), one row per key. A key recorded on two contacts names neither: it matches nobody
-- (contact_id NULL, contacts > 1) rather than a guess.
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

keys as (

    select 'x_handle' as key_type, x_handle as key_value, contact_id
    from contacts where x_handle is not null
    union all
    select 'facebook_id', facebook_id, contact_id
    from contacts where facebook_id is not null
    union all
    select 'instagram_handle', instagram_handle, contact_id
    from contacts where instagram_handle is not null
    union all
    select 'email_sha256', email_sha256, contact_id
    from contacts where email_sha256 is not null
    union all
    select 'community_user_id', community_user_id, contact_id
    from contacts where community_user_id is not null

),

final as (

    select
        key_type,
        key_value,
        case when count(distinct contact_id) = 1 then min(contact_id) end as contact_id,
        count(distinct contact_id) as contacts
    from keys
    group by key_type, key_value

)

select * from final
