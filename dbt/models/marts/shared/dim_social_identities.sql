-- One row per customer account seen on a social channel, the web or the community, linked to
-- its CRM contact by an exact key or left unmatched (docs/metrics.md#identity).
with

observed as (

    select * from {{ ref('int_identities_observed') }}

),

keys as (

    select * from {{ ref('int_contact_keys') }}

),

contacts as (

    select contact_id, lifecycle_stage, is_customer, segment from {{ ref('stg_crm__contacts') }}

),

final as (

    select
        o.platform,
        -- every identity column as a keyed pseudonym (docs/metrics.md#pseudonyms); the joins
        -- above ran on the originals
        {{ pseudonymize('o.account_id') }} as account_id,
        o.key_type,
        {{ pseudonymize('o.key_value') }} as key_value,
        {{ pseudonymize('k.contact_id') }} as contact_id,
        case
            when k.contact_id is not null then 'matched'
            when k.contacts > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status,
        c.lifecycle_stage,
        coalesce(c.is_customer, false) as is_customer,
        c.segment,
        o.first_seen_at,
        o.last_seen_at,
        o.activities
    from observed as o
    left join keys as k on k.key_type = o.key_type and k.key_value = o.key_value
    left join contacts as c on c.contact_id = k.contact_id

)

select * from final
