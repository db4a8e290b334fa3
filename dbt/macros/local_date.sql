{#- The calendar date, in time zone `time_zone` (an IANA name, e.g. America/New_York), of the UTC
    instant `ts` (a timestamp without time zone, as every instant in the warehouse is stored). -#}
{% macro local_date(ts, time_zone) -%}
    cast({{ utc_to_local(ts, time_zone) }} as date)
{%- endmacro %}

{#- Each business-hours calendar's time zone: a calendar has one (tested on the seed). The care
    marts date a message by its brand's calendar day. #}
{% macro calendar_time_zones() -%}
    select calendar_id, min(time_zone) as time_zone
    from {{ ref('business_calendars') }}
    group by all
{%- endmacro %}
