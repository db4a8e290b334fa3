-- Social ROI per month × department × channel × campaign × attribution model: what each
-- department spent and what it earned, from one shared definition (seed 003: ROI is not the
-- marketing department's private number). Definitions: docs/metrics.md#social-roi. Exact
-- (docs/metrics.md#exact-money): amounts DECIMAL(18, 2), attributed shares of revenue and pipeline
-- (and the total value they are part of) DECIMAL(38, 6), ratios DECIMAL(38, 6) rounded half away
-- from zero, cast explicitly so that DuckDB and Spark give the same types and digits.
{%- set money = 'decimal(18, 2)' %}
{%- set share = 'decimal(38, 6)' %}
{%- set ratio = 'decimal(38, 6)' %}
with

assumptions as (

    select
        cast(max(case when assumption = 'cost_per_phone_contact' then cast(value as {{ money }}) end)
            - max(case when assumption = 'cost_per_social_contact' then cast(value as {{ money }}) end)
            as {{ money }}) as saving_per_deflected_contact,
        max(case when assumption = 'value_per_adopted_idea' then cast(value as {{ money }}) end)
            as value_per_adopted_idea
    from {{ ref('roi_assumptions') }}

),

-- The attribution models (seeds/attribution_models.csv): every one of them carries the costs,
-- savings and ideas, with or without a conversion attributed under it.
models as (

    select attribution_model as model from {{ ref('attribution_models') }}

),

attributed as (

    select
        cast({{ dbt.date_trunc('month', 'converted_at') }} as date) as month,
        department,
        channel,
        campaign,
        model,
        cast(attributed_revenue as {{ share }}) as attributed_revenue,
        cast(attributed_pipeline as {{ share }}) as attributed_pipeline,
        cast(0 as {{ money }}) as cost,
        cast(0 as {{ money }}) as paid_media_cost,
        0 as deflected_contacts,
        0 as ideas_adopted
    from {{ ref('fct_attribution') }}

),

-- Costs, savings and ideas do not depend on the attribution model: each model's rows carry them.
costs as (

    select
        cast({{ dbt.date_trunc('month', 'k.cost_date') }} as date) as month,
        k.department,
        k.channel,
        k.campaign,
        m.model,
        cast(0 as {{ share }}),
        cast(0 as {{ share }}),
        cast(k.amount as {{ money }}),
        cast(case when k.cost_kind = 'paid_media' then k.amount else 0 end as {{ money }}),
        0,
        0
    from {{ ref('stg_costs__program_costs') }} as k
    cross join models as m

),

-- Support deflected to social: community questions solved by an accepted answer, and care
-- conversations resolved on a social channel.
deflected as (

    select
        cast({{ dbt.date_trunc('month', 'solved_at') }} as date) as month,
        'community' as channel
    from {{ ref('stg_community__threads') }}
    where accepted_reply_id is not null and solved_at is not null
    union all
    select
        cast({{ dbt.date_trunc('month', 'resolved_at') }} as date),
        case when channel = 'x' then 'x' else 'facebook' end
    from {{ ref('fct_care_conversations') }}
    where is_resolved

),

savings as (

    select
        d.month, 'service', d.channel, null::string, m.model,
        cast(0 as {{ share }}), cast(0 as {{ share }}), cast(0 as {{ money }}), cast(0 as {{ money }}), 1, 0
    from deflected as d
    cross join models as m

),

ideas as (

    select
        cast({{ dbt.date_trunc('month', 'i.status_changed_at') }} as date),
        '{{ var("roi_ideas_department") }}',
        'community',
        null::string,
        m.model,
        cast(0 as {{ share }}), cast(0 as {{ share }}), cast(0 as {{ money }}), cast(0 as {{ money }}), 0, 1
    from {{ ref('stg_community__ideas') }} as i
    cross join models as m
    where i.is_adopted and i.status_changed_at is not null

),

lines as (

    select * from attributed
    union all
    select * from costs
    union all
    select * from savings
    union all
    select * from ideas

),

summed as (

    select
        l.month,
        l.department,
        l.channel,
        l.campaign,
        l.model,
        cast(sum(l.cost) as {{ money }}) as cost,
        cast(sum(l.paid_media_cost) as {{ money }}) as paid_media_cost,
        cast(sum(l.attributed_revenue) as {{ share }}) as attributed_revenue,
        cast(sum(l.attributed_pipeline) as {{ share }}) as attributed_pipeline,
        sum(l.deflected_contacts) as deflected_contacts,
        cast(cast(sum(l.deflected_contacts) as bigint) * any_value(a.saving_per_deflected_contact) as {{ money }})
            as deflection_savings,
        sum(l.ideas_adopted) as ideas_adopted,
        cast(cast(sum(l.ideas_adopted) as bigint) * any_value(a.value_per_adopted_idea) as {{ money }})
            as ideas_value
    from lines as l
    cross join assumptions as a
    group by l.month, l.department, l.channel, l.campaign, l.model

),

valued as (

    select
        *,
        -- pipeline is a forecast, and a won deal is revenue already: it is reported, not added
        cast(attributed_revenue + deflection_savings + coalesce(ideas_value, 0) as {{ share }}) as total_value
    from summed

),

ratios as (

    select
        *,
        -- (exact quotients, rounded to 6 places: macros/cross_engine_money.sql)
        {{ decimal_divide('total_value - cost', 'cost', 6, operand_scale=6) }} as roi,
        {{ decimal_divide('attributed_revenue', 'paid_media_cost', 6, operand_scale=6) }} as roas
    from valued

),

final as (

    select
        month,
        department,
        channel,
        campaign,
        model,
        cost,
        paid_media_cost,
        attributed_revenue,
        attributed_pipeline,
        deflected_contacts,
        deflection_savings,
        ideas_adopted,
        ideas_value,
        total_value,
        cast(roi as {{ ratio }}) as roi,
        cast(roas as {{ ratio }}) as roas,
        -- how much the answer depends on the model: the same row under every model
        cast(min(roi) over same_slice as {{ ratio }}) as roi_min,
        cast(max(roi) over same_slice as {{ ratio }}) as roi_max
    from ratios
    window same_slice as (partition by month, department, channel, campaign)

)

select * from final
