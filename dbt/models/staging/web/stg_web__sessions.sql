{{ config(unique_key='session_id') }}
{%- set landing = landing_state(source('web', 'web__sessions')) %}
with

source as (

    {{ landings(source('web', 'web__sessions'), landing, 'session_id') }}

),

renamed as (

    select
        session_id,
        user_pseudo_id,
        nullif(lower(trim(email_sha256)), '') as email_sha256,
        started_at,
        landing_page,
        referrer,
        nullif(lower(utm_source), '') as utm_source,
        nullif(lower(utm_medium), '') as utm_medium,
        nullif(utm_campaign, '') as utm_campaign,
        nullif(utm_content, '') as utm_content,
        device_category,
        country,
        pageviews,
        engaged_seconds,
        coalesce(conversions, 0) as conversions,
        coalesce(conversion_value, 0) as conversion_value,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'session_id', landing) }}

)

select * from final
