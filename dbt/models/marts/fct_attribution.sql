-- One row per conversion × touch × attribution model: the share of the conversion's revenue and
-- pipeline credited to each touch of its contact inside the lookback window. Definitions:
-- docs/metrics.md#attribution.
{%- set lookback_days = var('attribution_lookback_days') %}
{%- set half_life_seconds = var('attribution_half_life_days') * 86400 %}
with

conversions as (

    select * from {{ ref('fct_conversions') }} where contact_id is not null

),

touches as (

    select * from {{ ref('fct_touchpoints') }}

),

-- Touches of the converting contact from lookback_days before the conversion up to its instant
-- (both ends included), in time order; touches at the same instant are ordered by touch_id.
eligible as (

    select
        c.conversion_id,
        c.conversion_type,
        c.converted_at,
        c.revenue,
        c.pipeline,
        t.touch_id,
        t.touch_type,
        t.touched_at,
        t.department,
        t.channel,
        t.campaign,
        row_number() over conversion_touches as touch_number,
        count(*) over (partition by c.conversion_id) as touches,
        {{ seconds_between('t.touched_at', 'c.converted_at') }} as seconds_before
    from conversions as c
    inner join touches as t
        on t.contact_id = c.contact_id
        and t.touched_at <= c.converted_at
        and t.touched_at >= c.converted_at - interval {{ lookback_days }} day
    window conversion_touches as (
        partition by c.conversion_id order by t.touched_at asc nulls last, t.touch_id asc nulls last
    )

),

weighted as (

    select
        *,
        -- every weight a double on both engines (Spark would keep 1.0 / touches a decimal)
        case when touch_number = 1 then 1.0 else 0.0 end::double as first_touch,
        case when touch_number = touches then 1.0 else 0.0 end::double as last_touch,
        1.0::double / touches as linear,
        -- 40% first, 40% last, 20% shared by the ones between; one touch 100%, two 50/50
        case
            when touches = 1 then 1.0::double
            when touches = 2 then 0.5::double
            when touch_number = 1 or touch_number = touches then 0.4::double
            else 0.2::double / (touches - 2)
        end as position_based,
        -- credit halves every half-life before the conversion; touches at the same instant share equally
        pow(0.5, seconds_before / {{ half_life_seconds }}) / sum(pow(0.5, seconds_before / {{ half_life_seconds }}))
            over (partition by conversion_id) as time_decay
    from eligible

),

final as (

    {% for model in ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
    select
        conversion_id,
        touch_id,
        '{{ model }}' as model,
        {{ model }} as weight,
        revenue * {{ model }} as credited_revenue,
        pipeline * {{ model }} as credited_pipeline,
        department,
        channel,
        campaign,
        touch_type,
        touched_at,
        conversion_type,
        converted_at,
        touch_number,
        touches
    from weighted
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
