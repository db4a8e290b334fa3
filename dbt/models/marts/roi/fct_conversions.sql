-- One row per conversion: a deal created (pipeline), a deal won (revenue), an order (revenue).
-- Definitions: docs/metrics.md#conversions. Amounts DECIMAL(18, 2), as landed
-- (docs/metrics.md#exact-money).
with

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

created as (

    select
        'deal_created:' || deal_id as conversion_id,
        'deal_created' as conversion_type,
        deal_id as source_id,
        contact_id,
        created_at as converted_at,
        0::decimal(18, 2) as revenue,
        cast(amount as decimal(18, 2)) as pipeline,
        currency,
        business_unit,
        department as owner_department
    from deals

),

won as (

    select
        'deal_won:' || deal_id,
        'deal_won',
        deal_id,
        contact_id,
        closed_at,
        cast(amount as decimal(18, 2)),
        0::decimal(18, 2),
        currency,
        business_unit,
        department
    from deals
    where is_won and closed_at is not null

),

orders as (

    select
        'order:' || order_id,
        'order',
        order_id,
        contact_id,
        ordered_at,
        cast(amount as decimal(18, 2)),
        0::decimal(18, 2),
        currency,
        business_unit,
        null::string
    from {{ ref('stg_crm__orders') }}

),

unioned as (

    select * from created
    union all
    select * from won
    union all
    select * from orders

),

final as (

    -- the CRM contact as a keyed pseudonym, as in dim_social_identities (docs/metrics.md#pseudonyms)
    select
        conversion_id,
        conversion_type,
        source_id,
        {{ pseudonymize('contact_id') }} as contact_id,
        converted_at,
        revenue,
        pipeline,
        currency,
        business_unit,
        owner_department
    from unioned

)

select * from final
