-- The maturity rubric applied: one row per business unit, quarter and criterion of
-- seeds/maturity_rubric.csv, with the measured value, the threshold and whether it passed.
-- A criterion whose signal is NULL (no messages to answer, no survey response) is not applicable:
-- `passed` is NULL and it neither holds a unit back nor counts for it. Definitions:
-- docs/metrics.md#maturity.
with

signals as (

    select * from {{ ref('fct_maturity_signals') }}

),

rubric as (

    select r.*, s.stage_rank
    from {{ ref('maturity_rubric') }} as r
    inner join {{ ref('maturity_stages') }} as s on s.stage = r.stage

),

final as (

    select
        g.business_unit,
        g.brand,
        g.quarter,
        g.quarter_start,
        r.criterion,
        r.stage,
        r.stage_rank,
        r.dimension,
        r.signal,
        g.measured_value,
        r.operator,
        r.threshold,
        case
            when g.measured_value is null then null
            when r.operator = '>=' then g.measured_value >= r.threshold
            when r.operator = '<=' then g.measured_value <= r.threshold
        end as passed,
        g.signal_kind,
        g.evidence_source,
        r.description,
        g.has_survey,
        g.has_activity
    from rubric as r
    inner join signals as g on g.signal = r.signal

)

select * from final
