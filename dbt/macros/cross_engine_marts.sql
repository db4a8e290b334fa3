{#- What DuckDB and Spark spell differently in the marts outside care and listening (dim_date,
    posts, identities, attribution and ROI, the feedback loop, maturity): the same style as
    macros/cross_engine.sql (a doc comment, the dispatcher, a `duckdb__` and a `spark__` body). -#}

{#- One row per day from `start_date` (included) to `end_date` (excluded), the column date_day
    (dbt.date_spine's contract). Spark: a sequence exploded, not dbt's cross-joined counters. -#}
{% macro day_spine(start_date, end_date) -%}
    {{- return(adapter.dispatch('day_spine', 'groundswell')(start_date, end_date)) -}}
{%- endmacro %}

{% macro duckdb__day_spine(start_date, end_date) -%}
    {{ dbt.date_spine("day", start_date, end_date) }}
{%- endmacro %}

{% macro spark__day_spine(start_date, end_date) -%}
    {#- no rows for an empty range (sequence would count down) -#}
    select explode(case when cast({{ start_date }} as date) < cast({{ end_date }} as date)
        then sequence(cast({{ start_date }} as date), date_sub(cast({{ end_date }} as date), 1), interval 1 day)
        end) as date_day
{%- endmacro %}

{#- A date or timestamp as text, `pattern` in strftime's notation (DuckDB's): the conversions
    below only (%Y %m %d %H %M %S %B %A %b %a), English names on both engines. -#}
{% macro format_timestamp(ts, pattern) -%}
    {{- return(adapter.dispatch('format_timestamp', 'groundswell')(ts, pattern)) -}}
{%- endmacro %}

{% macro duckdb__format_timestamp(ts, pattern) -%}
    strftime({{ ts }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__format_timestamp(ts, pattern) -%}
    {%- set java = {'%Y': 'yyyy', '%m': 'MM', '%d': 'dd', '%H': 'HH', '%M': 'mm', '%S': 'ss',
                    '%B': 'MMMM', '%A': 'EEEE', '%b': 'MMM', '%a': 'EEE'} -%}
    {%- set ns = namespace(out='') -%}
    {%- for part in pattern.split('%') -%}
        {%- if loop.first -%}
            {%- set text = part -%}
        {%- else -%}
            {%- set key = '%' ~ part[:1] -%}
            {%- if key not in java -%}
                {{ exceptions.raise_compiler_error("format_timestamp: no Spark pattern for " ~ key) }}
            {%- endif -%}
            {%- set ns.out = ns.out ~ java[key] -%}
            {%- set text = part[1:] -%}
        {%- endif -%}
        {%- if "'" in text or '\\' in text -%}
            {{ exceptions.raise_compiler_error("format_timestamp: no quote or backslash in " ~ pattern) }}
        {%- endif -%}
        {#- text between conversions: Java reserves letters, quoted (\' in the SQL literal) -#}
        {%- set ns.out = ns.out ~ (("\\'" ~ text ~ "\\'") if text.upper() != text.lower() else text) -%}
    {%- endfor -%}
    date_format({{ ts }}, '{{ ns.out }}')
{%- endmacro %}

{#- The ISO day of the week of a date or timestamp: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_weekday(ts) -%}
    {{- return(adapter.dispatch('iso_weekday', 'groundswell')(ts)) -}}
{%- endmacro %}

{% macro duckdb__iso_weekday(ts) -%}
    extract(isodow from {{ ts }})
{%- endmacro %}

{% macro spark__iso_weekday(ts) -%}
    extract(dayofweek_iso from {{ ts }})
{%- endmacro %}

{#- The wall clock, in time zone `time_zone` (an IANA name), of the UTC instant `ts` (a timestamp
    without time zone), as a timestamp without time zone. -#}
{% macro utc_to_local(ts, time_zone) -%}
    {{- return(adapter.dispatch('utc_to_local', 'groundswell')(ts, time_zone)) -}}
{%- endmacro %}

{% macro duckdb__utc_to_local(ts, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ ts }}))
{%- endmacro %}

{% macro spark__utc_to_local(ts, time_zone) -%}
    cast(from_utc_timestamp({{ ts }}, {{ time_zone }}) as timestamp)
{%- endmacro %}

{#- The exact time from `start_ts` to `end_ts` in seconds, fractions included (DuckDB's
    epoch(end_ts - start_ts)): a double, NULL if either is NULL. -#}
{% macro seconds_elapsed(start_ts, end_ts) -%}
    {{- return(adapter.dispatch('seconds_elapsed', 'groundswell')(start_ts, end_ts)) -}}
{%- endmacro %}

{% macro duckdb__seconds_elapsed(start_ts, end_ts) -%}
    epoch({{ end_ts }} - {{ start_ts }})
{%- endmacro %}

{% macro spark__seconds_elapsed(start_ts, end_ts) -%}
    ((unix_micros({{ end_ts }}) - unix_micros({{ start_ts }})) / 1000000.0d)
{%- endmacro %}

{#- `text` cut at every occurrence of `delimiter` (a literal string, not a pattern) into an array
    of strings; '' gives ['']. -#}
{% macro split_text(text, delimiter) -%}
    {{- return(adapter.dispatch('split_text', 'groundswell')(text, delimiter)) -}}
{%- endmacro %}

{% macro duckdb__split_text(text, delimiter) -%}
    string_split({{ text }}, '{{ delimiter }}')
{%- endmacro %}

{% macro spark__split_text(text, delimiter) -%}
    {#- Spark's split takes a regular expression: every character but a letter or a digit escaped -#}
    {%- if "'" in delimiter or '\\' in delimiter -%}
        {{ exceptions.raise_compiler_error("split_text: no quote or backslash in the delimiter") }}
    {%- endif -%}
    split({{ text }}, '{% for c in delimiter %}{{ c if c.isalnum() else '\\\\' ~ c }}{% endfor %}', -1)
{%- endmacro %}

{#- A struct of `fields`, a mapping of field name -> SQL expression, in the mapping's order. -#}
{% macro struct_of(fields) -%}
    {{- return(adapter.dispatch('struct_of', 'groundswell')(fields)) -}}
{%- endmacro %}

{% macro duckdb__struct_of(fields) -%}
    { {%- for name, expression in fields.items() %}'{{ name }}': {{ expression }}{{ ', ' if not loop.last }}{% endfor -%} }
{%- endmacro %}

{% macro spark__struct_of(fields) -%}
    named_struct({%- for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ', ' if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- An empty array whose element type is the other branch's (in coalesce, a case...). -#}
{% macro empty_array() -%}
    {{- return(adapter.dispatch('empty_array', 'groundswell')()) -}}
{%- endmacro %}

{% macro duckdb__empty_array() -%}
    []
{%- endmacro %}

{% macro spark__empty_array() -%}
    array()
{%- endmacro %}

{#- dbt unit tests on Spark: an expected or given value of a nested column (array, struct, map)
    written as DuckDB prints it ("[{'a': 1, 'b': x}]", as the fixtures are written for DuckDB) is
    read as JSON (its quotes made double quotes) into the column's type; anything else is cast as
    dbt-spark casts it (a Spark expression such as array(...) unquoted). -#}
{% macro spark__safe_cast(field, type) -%}
    {%- set nested = type.lower().startswith('struct') or type.lower().startswith('array') or type.lower().startswith('map') -%}
    {%- set text = field.strip() if field is string else '' -%}
    {%- if nested and text[:1] == "'" and text[-1:] == "'" and text[1:2] in ['[', '{'] -%}
        {%- set duck = text[1:-1].replace("\\'", "'").replace("''", "'") -%}
        from_json('{{ duck.replace("'", '"').replace('NULL', 'null') }}', '{{ type }}')
    {%- else -%}
        {{ dbt.spark__safe_cast(field, type) }}
    {%- endif -%}
{%- endmacro %}
