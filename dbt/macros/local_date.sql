{#- The calendar date, in time zone `time_zone` (an IANA name, e.g. America/New_York), of the UTC
    instant `ts` (a timestamp without time zone, as every instant in the warehouse is stored). -#}
{% macro local_date(ts, time_zone) -%}
    cast({{ utc_to_local(ts, time_zone) }} as date)
{%- endmacro %}
