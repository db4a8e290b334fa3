-- The maturity stage of every business unit and quarter (seed 000's five stages): the highest
-- stage whose applicable criteria, and those of every stage below it, all hold; dormant without
-- activity (no post, no customer message) whatever else holds. With the previous quarter's stage
-- and the gaps to the next stage: its criteria that failed, with value and threshold.
-- Definitions: docs/metrics.md#maturity.
with

assessment as (

    select * from {{ ref('fct_maturity_assessment') }}

),

stages as (

    select stage, stage_rank from {{ ref('maturity_stages') }}

),

units_quarters as (

    select distinct business_unit, brand, quarter, quarter_start, has_survey, has_activity
    from {{ ref('fct_maturity_signals') }}

),

-- A stage holds when none of its applicable criteria failed (a stage with none holds).
first_failed as (

    select business_unit, quarter, min(stage_rank) filter (where passed = false) as stage_rank
    from assessment
    group by all

),

ranked as (

    select
        u.*,
        case
            when not u.has_activity then 0
            else coalesce(f.stage_rank - 1, (select max(stage_rank) from stages))
        end as stage_rank
    from units_quarters as u
    left join first_failed as f on f.business_unit = u.business_unit and f.quarter = u.quarter

),

gaps as (

    select
        r.business_unit,
        r.quarter,
        {{ ordered_array_agg(struct_of({
            'criterion': 'a.criterion', 'dimension': 'a.dimension', 'signal': 'a.signal',
            'measured_value': 'a.measured_value', 'operator': 'a.operator', 'threshold': 'a.threshold'
        }), ['a.criterion']) }} as gaps_to_next_stage
    from ranked as r
    inner join assessment as a
        on a.business_unit = r.business_unit and a.quarter = r.quarter
        and a.stage_rank = r.stage_rank + 1 and a.passed = false
    group by all

),

counts as (

    select
        business_unit,
        quarter,
        count(*) filter (where passed is not null) as criteria_assessed,
        count(*) filter (where passed) as criteria_passed,
        count(*) filter (where passed is null) as criteria_not_applicable
    from assessment
    group by all

),

final as (

    select
        r.business_unit,
        r.brand,
        r.quarter,
        r.quarter_start,
        s.stage,
        r.stage_rank,
        lag(s.stage) over w as previous_stage,
        r.stage_rank - lag(r.stage_rank) over w as stage_change,
        case
            when lag(r.stage_rank) over w is null then null
            when r.stage_rank > lag(r.stage_rank) over w then 'up'
            when r.stage_rank < lag(r.stage_rank) over w then 'down'
            else 'same'
        end as change,
        n.stage as next_stage,
        coalesce(g.gaps_to_next_stage, {{ empty_array() }}) as gaps_to_next_stage,
        not r.has_survey as is_survey_missing,
        r.has_activity,
        case
            when not r.has_activity then 'no activity: no post and no customer message in the quarter'
            when not r.has_survey then 'no survey response: assessed on measured criteria alone'
        end as evidence_note,
        coalesce(c.criteria_assessed, 0) as criteria_assessed,
        coalesce(c.criteria_passed, 0) as criteria_passed,
        coalesce(c.criteria_not_applicable, 0) as criteria_not_applicable
    from ranked as r
    inner join stages as s on s.stage_rank = r.stage_rank
    left join stages as n on n.stage_rank = r.stage_rank + 1
    left join gaps as g on g.business_unit = r.business_unit and g.quarter = r.quarter
    left join counts as c on c.business_unit = r.business_unit and c.quarter = r.quarter
    window w as (partition by r.business_unit order by r.quarter_start asc nulls last)

)

select * from final
