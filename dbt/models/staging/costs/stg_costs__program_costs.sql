with

source as (

    select * from {{ source('costs', 'costs__program_costs') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by cost_id
        order by _loaded_at desc, _source_file desc, _record_no desc
    ) = 1

),

renamed as (

    select
        cost_id,
        cost_date,
        lower(channel) as channel,
        campaign,
        lower(department) as department,
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
