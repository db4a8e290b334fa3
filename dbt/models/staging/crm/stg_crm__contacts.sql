{{ config(unique_key='contact_id') }}
{%- set landing = landing_state(source('crm', 'crm__contacts')) %}
with

source as (

    {{ landings(source('crm', 'crm__contacts'), landing, 'contact_id') }}

),

renamed as (

    select
        contact_id,
        nullif(account_id, '') as account_id,
        -- the keys that link a contact to its accounts elsewhere, normalised the way each
        -- platform compares them (handles without @ and case-insensitive, hashes in lower hex)
        nullif(lower(trim(email_sha256)), '') as email_sha256,
        nullif(lower(trim(leading '@' from trim(x_handle))), '') as x_handle,
        nullif(trim(facebook_id), '') as facebook_id,
        nullif(lower(trim(leading '@' from trim(instagram_handle))), '') as instagram_handle,
        nullif(trim(linkedin_url), '') as linkedin_url,
        nullif(trim(community_user_id), '') as community_user_id,
        lower(lifecycle_stage) as lifecycle_stage,
        lower(lifecycle_stage) = 'customer' as is_customer,
        nullif(lower(segment), '') as segment,
        country,
        created_at,
        updated_at,
        {{ lineage_columns() }}

    from source

),

-- Each export repeats every contact: the latest landing holds its current keys.
final as (

    {{ latest_landing('renamed', 'contact_id', landing) }}

)

select * from final
