-- One row per business unit and quarter: the unit's latest answer to the quarterly maturity
-- survey (a unit may answer again; the last submission counts). Yes/no answers as booleans.
-- A table rebuilt whole at every run, unlike the other staging models: a few rows a quarter.
{{ config(materialized='table') }}
with

source as (

    select * from {{ source('survey', 'survey__maturity_responses') }}

),

latest as (

    {{ latest_landing('source', 'response_id') }}

),

per_quarter as (

    select *
    from latest
    qualify row_number() over (
        partition by business_unit, quarter order by submitted_at desc, response_id desc
    ) = 1

),

renamed as (

    select
        response_id,
        business_unit,
        quarter,
        respondent_role,
        submitted_at,
        customers_use_social,
        need_to_participate,
        have_resources,
        conversation_goals_set,
        target_customers_identified,
        content_plan_in_place,
        guidelines_in_place,
        staff_trained,
        influencer_program_active,
        evangelist_program_active,
        leadership_sponsor,
        budget_committed,
        roi_tracked,
        trained_staff_count,
        social_staff_fte,
        annual_budget,
        _loaded_at

    from per_quarter

)

select * from renamed
