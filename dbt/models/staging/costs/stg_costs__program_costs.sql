{{ config(unique_key='cost_id') }}
{%- set landing = landing_state(source('costs', 'costs__program_costs')) %}
with

source as (

    {{ landings(source('costs', 'costs__program_costs'), landing, 'cost_id') }}

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
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'cost_id', landing) }}

)

select * from final
