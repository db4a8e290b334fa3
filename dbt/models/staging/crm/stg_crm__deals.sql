{{ config(unique_key='deal_id') }}
{%- set landing = landing_state(source('crm', 'crm__deals')) %}
with

source as (

    {{ landings(source('crm', 'crm__deals'), landing, 'deal_id') }}

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
        {{ lineage_columns() }}

    from source

),

-- A deal is exported again when it moves: a closed row outranks an open one, then the latest.
final as (

    {{ latest_landing('renamed', 'deal_id', landing, order_first='closed_at desc nulls last') }}

)

select * from final
