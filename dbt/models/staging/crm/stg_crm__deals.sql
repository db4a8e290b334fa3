with

source as (

    select * from {{ source('crm', 'crm__deals') }}

),

-- A deal is exported again when it moves: a closed row outranks an open one, then the latest.
latest as (

    {{ latest_landing('source', 'deal_id', order_first='closed_at desc nulls last') }}

),

renamed as (

    select
        deal_id,
        deal_name,
        account_id,
        contact_id,
        lower(stage) as deal_stage,
        lower(stage) in ('closed_won', 'closed_lost') as is_closed,
        lower(stage) = 'closed_won' as is_won,
        amount,
        upper(currency) as currency,
        created_at,
        closed_at,
        lower(owner_department) as department,
        nullif(business_unit, '') as business_unit,
        lower(lead_source) as lead_source,
        nullif(utm_campaign, '') as utm_campaign,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
