{#- Business seconds of a calendar from its start to the instant `ts` (UTC), given the
    int_business_intervals row `interval` found by an ASOF join (the last interval opening at or
    before `ts`; on Spark its equivalent, macro business_clock_at): the seconds before that interval plus the part of it already elapsed. The
    business time between two instants is the difference of their two values; whole seconds,
    so comparisons with an SLA are exact. -#}
{% macro business_seconds_at(ts, interval) -%}
    ({{ interval }}.seconds_before + least(
        {{ interval }}.open_seconds,
        greatest(0, {{ seconds_between(interval ~ '.opens_at_utc', ts) }})
    ))
{%- endmacro %}


{#- Look-up tables that replace the ASOF joins on int_business_intervals by equi-joins (an ASOF
    join sorts its millions of probe rows; a hash join does not). Time is cut in buckets of
    `business_bucket_seconds()` (an hour, or the shortest open interval if shorter, so at most
    one interval opens inside a bucket); each bucket row holds the last interval opening at or
    before the bucket's start (`p_*`) and the one opening inside it (`n_*`). `axis` is
    'time' (bucket of an instant: epoch seconds) or 'business' (bucket of the calendar's
    business seconds: the inverse look-up). The last bucket also answers everything after it,
    as the ASOF join would (probe with business_bucket_of). Spark has no ASOF join: the same
    look-ups are its equi-joins too. -#}
{% macro business_bucket_seconds(intervals) -%}
    (select least(3600, min(open_seconds)) from {{ intervals }})
{%- endmacro %}

{% macro business_buckets(intervals, axis, bucketing='bucketing') -%}
    {%- set pos = epoch_seconds('opens_at_utc') if axis == 'time' else "seconds_before" %}
    with positioned as (
        select
            i.*,
            {{ pos }} as pos,
            {{ int_div(pos, 'b.bucket_seconds') }} as bucket,
            b.bucket_seconds,
            b.last_{{ axis }}_bucket as last_bucket,
            lead({{ pos }}) over (partition by i.calendar_id order by {{ pos }}) as next_pos
        from {{ intervals }} as i
        cross join {{ bucketing }} as b
    ),
    -- each interval is the last one opened at the start of every bucket from its own position
    -- to the next interval's (no ASOF join: DuckDB plans a tiny one as a nested loop, Spark has none)
    previous as (
        select
            calendar_id,
            {{ unnest_range(
                int_div('pos + bucket_seconds - 1', 'bucket_seconds'),
                'coalesce(' ~ int_div('next_pos + bucket_seconds - 1', 'bucket_seconds') ~ ', last_bucket + 1)'
            ) }} as bucket,
            opens_at_utc, open_seconds, seconds_before
        from positioned
    )
    select
        calendar_id,
        bucket,
        p.opens_at_utc as p_opens_at_utc, p.open_seconds as p_open_seconds,
        p.seconds_before as p_seconds_before,
        n.opens_at_utc as n_opens_at_utc, n.open_seconds as n_open_seconds,
        n.seconds_before as n_seconds_before
    from previous as p
    full join positioned as n using (calendar_id, bucket)
{%- endmacro %}

{#- The bucket of position `pos` (epoch seconds: macro epoch_seconds, or business seconds), clamped to the last one:
    `bucketing` is a one-row relation with columns bucket_seconds, last_time_bucket and
    last_business_bucket (macro business_bucketing), cross-joined where this is used, so the
    join key is a plain column expression. -#}
{% macro business_bucket_of(pos, axis, bucketing='bucketing') -%}
    least({{ int_div(pos, bucketing ~ '.bucket_seconds') }}, {{ bucketing }}.last_{{ axis }}_bucket)
{%- endmacro %}

{% macro business_bucketing(intervals) -%}
    select
        {{ business_bucket_seconds(intervals) }} as bucket_seconds,
        {{ int_div('max(' ~ epoch_seconds('opens_at_utc') ~ ')', business_bucket_seconds(intervals)) }} as last_time_bucket,
        {{ int_div('max(seconds_before)', business_bucket_seconds(intervals)) }} as last_business_bucket
    from {{ intervals }}
{%- endmacro %}

{#- business_seconds_at for a bucket row `b` of axis 'time' joined at instant `ts`. -#}
{% macro business_seconds_from_bucket(ts, b) -%}
    case
        when {{ b }}.n_opens_at_utc <= {{ ts }} then
            {{ b }}.n_seconds_before
            + least({{ b }}.n_open_seconds, greatest(0, {{ seconds_between(b ~ '.n_opens_at_utc', ts) }}))
        else
            {{ b }}.p_seconds_before
            + least({{ b }}.p_open_seconds, greatest(0, {{ seconds_between(b ~ '.p_opens_at_utc', ts) }}))
    end
{%- endmacro %}
