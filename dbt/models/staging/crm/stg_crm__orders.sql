{{ config(unique_key='order_id') }}
{%- set landing = landing_state(source('crm', 'crm__orders')) %}
with

source as (

    {{ landings(source('crm', 'crm__orders'), landing, 'order_id') }}

),

renamed as (

    select
        order_id,
        -- a guest checkout has no contact: its revenue cannot be attributed to anyone's touches
        nullif(contact_id, '') as contact_id,
        nullif(account_id, '') as account_id,
        ordered_at,
        amount,
        upper(currency) as currency,
        lower(sales_channel) as sales_channel,
        nullif(business_unit, '') as business_unit,
        nullif(lower(utm_source), '') as utm_source,
        nullif(utm_campaign, '') as utm_campaign,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'order_id', landing) }}

)

select * from final
