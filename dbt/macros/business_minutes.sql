{#- Business seconds of a calendar from its start to the instant `ts` (UTC), given the
    int_business_intervals row `interval` found by an ASOF join (the last interval opening at or
    before `ts`): the seconds before that interval plus the part of it already elapsed. The
    business time between two instants is the difference of their two values; whole seconds,
    so comparisons with an SLA are exact. -#}
{% macro business_seconds_at(ts, interval) -%}
    ({{ interval }}.seconds_before + least(
        {{ interval }}.open_seconds,
        greatest(0, date_diff('second', {{ interval }}.opens_at_utc, {{ ts }}))
    ))
{%- endmacro %}
