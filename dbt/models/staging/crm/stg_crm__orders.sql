with

source as (

    select * from {{ source('crm', 'crm__orders') }}

),

latest as (

    {{ latest_landing('source', 'order_id') }}

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
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
