{#- The start of the last dbt run that wrote `relation` (max `_built_at`, as text for a timestamp
    literal; year 1 when it is empty): an incremental model's watermark, read at compile time.
    DuckDB's SQL (strftime): called only where models are kept incrementally
    (engine_keeps_increments(), macros/engine.sql). -#}
{% macro last_built_at(relation) -%}
    {{- return(run_query(
        "select strftime(coalesce(max(_built_at), '0001-01-01'::timestamp), '%Y-%m-%d %H:%M:%S.%f') from "
        ~ relation).columns[0].values()[0]) -}}
{%- endmacro %}
