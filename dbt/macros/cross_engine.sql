{#- What DuckDB and Spark spell differently, behind adapter.dispatch (macros/engine.sql says what
    else differs). dbt's own cross-database macros come first where one exists (dbt.date_trunc,
    dbt.datediff, dbt.safe_cast, ...); these are the rest, with those of each area beside them
    (cross_engine_marts.sql: calendars, time zones, seconds between instants, ordered lists and
    structs; cross_engine_care.sql: business intervals and clocks, local time to UTC, reply
    chains; cross_engine_listening.sql: ordered aggregates, hour series, exact sums, windowed
    medians; cross_engine_money.sql: exact decimal division, time decay in decimals). Everything
    else in the models is SQL both engines read alike: `::` casts to string, bigint, double,
    date, timestamp; QUALIFY;
    `* except (...)`; max_by / min_by; median; percentile_cont ... within group; count(*) filter;
    lateral column aliases; group by all. -#}

{#- A JSON text as an array of `element`: 'string', or a dict of field name -> 'string'
    (an array of objects). NULL for NULL. -#}
{% macro json_array(text, element) -%}
    {{- return(adapter.dispatch('json_array', 'groundswell')(text, element)) -}}
{%- endmacro %}

{% macro duckdb__json_array(text, element) -%}
    {%- if element is mapping -%}
        from_json({{ text }}, '[{ {%- for name, typ in element.items() -%}"{{ name }}": "VARCHAR"{{ ', ' if not loop.last }}{%- endfor -%} }]')
    {%- else -%}
        from_json({{ text }}, '["VARCHAR"]')
    {%- endif -%}
{%- endmacro %}

{% macro spark__json_array(text, element) -%}
    {%- if element is mapping -%}
        from_json({{ text }}, 'array<struct<{%- for name, typ in element.items() -%}`{{ name }}`:{{ typ }}{{ ',' if not loop.last }}{%- endfor -%}>>')
    {%- else -%}
        from_json({{ text }}, 'array<{{ element }}>')
    {%- endif -%}
{%- endmacro %}

{#- An array literal of SQL expressions; `type` (a SQL type) for an empty one. -#}
{% macro array_of(items, type='string') -%}
    {{- return(adapter.dispatch('array_of', 'groundswell')(items, type)) -}}
{%- endmacro %}

{% macro duckdb__array_of(items, type) -%}
    {%- if items -%}[{{ items | join(', ') }}]{%- else -%}cast([] as {{ type }}[]){%- endif -%}
{%- endmacro %}

{% macro spark__array_of(items, type) -%}
    {%- if items -%}array({{ items | join(', ') }}){%- else -%}cast(array() as array<{{ type }}>){%- endif -%}
{%- endmacro %}

{#- The `index`-th element of an array, from 1; NULL beyond its end. -#}
{% macro array_at(array, index) -%}
    {{- return(adapter.dispatch('array_at', 'groundswell')(array, index)) -}}
{%- endmacro %}

{% macro duckdb__array_at(array, index) -%}
    ({{ array }})[{{ index }}]
{%- endmacro %}

{% macro spark__array_at(array, index) -%}
    try_element_at({{ array }}, {{ index }})
{%- endmacro %}

{#- The elements of `array` with `expression` applied (a SQL expression of `var`), or those for
    which it is true. -#}
{% macro array_transform(array, var, expression) -%}
    {{- return(adapter.dispatch('array_transform', 'groundswell')(array, var, expression)) -}}
{%- endmacro %}

{% macro duckdb__array_transform(array, var, expression) -%}
    list_transform({{ array }}, lambda {{ var }}: {{ expression }})
{%- endmacro %}

{% macro spark__array_transform(array, var, expression) -%}
    transform({{ array }}, {{ var }} -> {{ expression }})
{%- endmacro %}

{% macro array_filter(array, var, condition) -%}
    {{- return(adapter.dispatch('array_filter', 'groundswell')(array, var, condition)) -}}
{%- endmacro %}

{% macro duckdb__array_filter(array, var, condition) -%}
    list_filter({{ array }}, lambda {{ var }}: {{ condition }})
{%- endmacro %}

{% macro spark__array_filter(array, var, condition) -%}
    filter({{ array }}, {{ var }} -> {{ condition }})
{%- endmacro %}

{#- Whether two arrays share an element. -#}
{% macro arrays_overlap(left, right) -%}
    {{- return(adapter.dispatch('arrays_overlap', 'groundswell')(left, right)) -}}
{%- endmacro %}

{% macro duckdb__arrays_overlap(left, right) -%}
    list_has_any({{ left }}, {{ right }})
{%- endmacro %}

{% macro spark__arrays_overlap(left, right) -%}
    arrays_overlap({{ left }}, {{ right }})
{%- endmacro %}
