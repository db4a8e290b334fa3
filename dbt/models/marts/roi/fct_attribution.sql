-- One row per conversion × touch × attribution model: the share of the conversion's revenue and
-- pipeline credited to each touch of its contact inside the lookback window, for every model of
-- seeds/attribution_models.csv. Definitions: docs/metrics.md#attribution. Exact
-- (docs/metrics.md#exact-money): weights DECIMAL(13, 12), credit DECIMAL(38, 6), summing per
-- conversion and model to exactly its revenue and pipeline.
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

-- Time decay: a touch counts 2^(-age / half-life), its age taken from the conversion's latest
-- touch (the same weights as from the conversion, and the latest touch counts 1: never all 0),
-- in whole half-lives and a fraction of one, in decimals (macros/cross_engine_money.sql).
aged as (

    select
        *,
        seconds_before - min(seconds_before) over (partition by conversion_id) as age_seconds
    from eligible

),

decayed as (

    select
        *,
        {{ half_life_decay('half_lives', 'half_life_fraction') }} as decay
    from (
        select
            *,
            cast((age_seconds - age_seconds % {{ half_life_seconds }}) / {{ half_life_seconds }} as bigint) as half_lives,
            {{ decimal_divide('age_seconds % ' ~ half_life_seconds, half_life_seconds, 17, 0) }} as half_life_fraction
        from aged
    ) as split

),

decay_sums as (

    select
        *,
        sum(decay) over (partition by conversion_id order by touch_number
                         rows between unbounded preceding and current row) as decay_upto,
        sum(decay) over (partition by conversion_id) as decay_total
    from decayed

),

-- Per model of the seed, the share of the conversion credited to its touches up to this one
-- (upto): the exact fraction rounded to 12 places, 1 at the last touch. A model of the seed this
-- case does not know gets NULL: its weights and credit are NULL, and their not_null tests fail.
cumulative as (

    select
        d.*,
        m.attribution_model as model,
        case m.attribution_model
            when 'first_touch' then cast(1 as decimal(13, 12))
            when 'last_touch' then cast(case when touch_number = touches then 1 else 0 end as decimal(13, 12))
            when 'linear' then cast({{ decimal_divide('touch_number', 'touches', 12, 0) }} as decimal(13, 12))
            -- 40% first, 40% last, 20% shared by the ones between; one touch 100%, two 50/50. Up to
            -- touch k < n of n >= 3: 0.4 + 0.2 (k - 1) / (n - 2) = (2n + k - 5) / (5n - 10).
            when 'position_based' then cast(case
                when touches <= 2 or touch_number = touches
                    then {{ decimal_divide('touch_number', 'touches', 12, 0) }}
                else {{ decimal_divide('2 * touches + touch_number - 5', '5 * touches - 10', 12, 0) }}
            end as decimal(13, 12))
            -- credit halves every half-life before the conversion; touches at the same instant share equally
            when 'time_decay' then cast({{ decimal_divide('decay_upto', 'decay_total', 12, 17) }} as decimal(13, 12))
        end as upto
    from decay_sums as d
    cross join {{ ref('attribution_models') }} as m

),

-- A touch's weight is its share up to it less the share up to the touch before; its credit, the
-- amount credited up to it less the amount up to the touch before, each rounded to 6 places. So
-- a conversion's credit sums to its revenue and pipeline exactly, and no touch's credit is
-- 0.000001 or more from amount × weight. (Amounts as DECIMAL(20, 2) in the products: DuckDB
-- multiplies two decimals of at most 18 digits in 64 bits, and would overflow.)
credited as (

    select
        *,
        upto - coalesce(lag(upto) over model_touches, 0) as touch_weight
        {%- for amount in ['revenue', 'pipeline'] %},
        round(cast({{ amount }} as decimal(20, 2)) * upto, 6)
            - coalesce(lag(round(cast({{ amount }} as decimal(20, 2)) * upto, 6)) over model_touches, 0)
            as touch_{{ amount }}
        {%- endfor %}
    from cumulative
    window model_touches as (partition by conversion_id, model order by touch_number)

),

final as (

    select
        conversion_id,
        touch_id,
        model,
        cast(touch_weight as decimal(13, 12)) as weight,
        cast(touch_revenue as decimal(38, 6)) as attributed_revenue,
        cast(touch_pipeline as decimal(38, 6)) as attributed_pipeline,
        department,
        channel,
        campaign,
        touch_type,
        touched_at,
        conversion_type,
        converted_at,
        touch_number,
        touches
    from credited

)

select * from final
