with

source as (

    select * from {{ source('costs', 'costs__program_costs') }}

),

latest as (

    {{ latest_landing('source', 'cost_id') }}

),

renamed as (

    select
        cost_id,
        cost_date,
        lower(channel) as channel,
        campaign,
        lower(department) as department,
        nullif(business_unit, '') as business_unit,
        lower(cost_kind) as cost_kind,
        hours,
        hourly_rate,
        amount,
        upper(currency) as currency,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
