{#- What DuckDB and Spark spell differently in listening and crisis early warning (fct_mentions,
    agg_mentions_hourly, agg_crisis_hours, fct_crisis_episodes, the influencers): the same style as
    macros/cross_engine.sql (a doc comment, the dispatcher, a `duckdb__` and a `spark__` body). The
    DuckDB bodies are the SQL the models held before Spark, so DuckDB's figures do not move. -#}

{#- struct_of (a struct of named fields) is in macros/cross_engine_marts.sql. -#}

{#- An aggregate: the group's values of `value` in a list ordered by `order_by` (a list of SQL
    expressions, each optionally followed by `asc` or `desc`; NULL keys last either way, DuckDB's
    default), NULL values kept; only its first `limit` elements when `limit` is given. The order
    must be total (end with a key column): ties are not broken the same way on both engines.
    Spark has no ordered aggregate: the values are collected beside their sort keys and sorted
    with a comparator. -#}
{% macro ordered_array_agg(value, order_by, limit=none) -%}
    {{- return(adapter.dispatch('ordered_array_agg', 'groundswell')(value, order_by, limit)) -}}
{%- endmacro %}

{% macro duckdb__ordered_array_agg(value, order_by, limit) -%}
    list({{ value }} order by {{ order_by | join(', ') }}){% if limit is not none %}[1:{{ limit }}]{% endif %}
{%- endmacro %}

{% macro spark__ordered_array_agg(value, order_by, limit) -%}
    {%- set sorted = spark_sorted_collect(value, order_by) -%}
    {%- if limit is not none -%}
        slice({{ sorted }}, 1, {{ limit }})
    {%- else -%}
        {{ sorted }}
    {%- endif -%}
{%- endmacro %}

{#- An aggregate: the value of `value` in the group's first row by `order_by` (as in
    ordered_array_agg): DuckDB's first(value order by ...). -#}
{% macro first_ordered(value, order_by) -%}
    {{- return(adapter.dispatch('first_ordered', 'groundswell')(value, order_by)) -}}
{%- endmacro %}

{% macro duckdb__first_ordered(value, order_by) -%}
    first({{ value }} order by {{ order_by | join(', ') }})
{%- endmacro %}

{#- try_element_at: NULL for no row (an aggregate without GROUP BY over nothing), as DuckDB's first -#}
{% macro spark__first_ordered(value, order_by) -%}
    try_element_at({{ spark_sorted_collect(value, order_by) }}, 1)
{%- endmacro %}

{#- Spark: collect_list of structs (k1..kn: the sort keys, v: the value), sorted by a comparator
    that orders each key ascending or descending with NULLs last, then the values. -#}
{% macro spark_sorted_collect(value, order_by) -%}
    {%- set keys = [] -%}
    {%- for item in order_by -%}
        {%- set words = item.strip().split(' ') -%}
        {%- set direction = words[-1].lower() -%}
        {%- if direction in ['asc', 'desc'] -%}
            {%- do keys.append({'expr': words[:-1] | join(' '), 'desc': direction == 'desc'}) -%}
        {%- else -%}
            {%- do keys.append({'expr': item, 'desc': false}) -%}
        {%- endif -%}
        {%- if 'nulls ' in item.lower() -%}
            {{ exceptions.raise_compiler_error("ordered_array_agg: NULLs sort last; no `nulls first|last` in " ~ item) }}
        {%- endif -%}
    {%- endfor -%}
    transform(
        array_sort(
            collect_list(named_struct(
                {%- for key in keys %}'k{{ loop.index }}', {{ key.expr }}, {% endfor -%} 'v', {{ value }})),
            (l, r) -> coalesce(
                {%- for key in keys %}
                {%- set i = loop.index %}
                nullif(case when l.k{{ i }} is null and r.k{{ i }} is null then 0
                            when l.k{{ i }} is null then 1
                            when r.k{{ i }} is null then -1
                            when l.k{{ i }} < r.k{{ i }} then {{ 1 if key.desc else -1 }}
                            when l.k{{ i }} > r.k{{ i }} then {{ -1 if key.desc else 1 }}
                            else 0 end, 0),
                {%- endfor %}
                0)
        ),
        s -> s.v
    )
{%- endmacro %}

{#- A table-generating select item (may stand beside aggregates of a GROUP BY): one row per hour
    from `start_ts` to `end_ts`, both included (timestamps on the hour); none when start_ts is
    after end_ts. -#}
{% macro explode_hours(start_ts, end_ts) -%}
    {{- return(adapter.dispatch('explode_hours', 'groundswell')(start_ts, end_ts)) -}}
{%- endmacro %}

{% macro duckdb__explode_hours(start_ts, end_ts) -%}
    unnest(generate_series({{ start_ts }}, {{ end_ts }}, interval 1 hour))
{%- endmacro %}

{#- sequence() raises on a start after the end where generate_series is empty -#}
{% macro spark__explode_hours(start_ts, end_ts) -%}
    explode(case when {{ start_ts }} <= {{ end_ts }} then sequence({{ start_ts }}, {{ end_ts }}, interval 1 hour) end)
{%- endmacro %}

{#- `text` with every match of the regular expression `pattern` replaced by `replacement` (a plain
    string: no group references, which the engines write differently). -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{- return(adapter.dispatch('regexp_replace_all', 'groundswell')(text, pattern, replacement)) -}}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Spark's regexp_replace replaces every match (its 4th argument is a position) -#}
{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#- Whole `unit`s (hour, day, week, month...) from `start_ts` to `end_ts`, both already truncated to
    the unit (date_trunc): a bigint. There DuckDB's date_diff (unit boundaries crossed) and Spark's
    timestampdiff (whole units elapsed) agree; on other timestamps they do not. -#}
{% macro units_between(unit, start_ts, end_ts) -%}
    {{- return(adapter.dispatch('units_between', 'groundswell')(unit, start_ts, end_ts)) -}}
{%- endmacro %}

{% macro duckdb__units_between(unit, start_ts, end_ts) -%}
    date_diff('{{ unit }}', {{ start_ts }}, {{ end_ts }})
{%- endmacro %}

{% macro spark__units_between(unit, start_ts, end_ts) -%}
    timestampdiff({{ unit | upper }}, {{ start_ts }}, {{ end_ts }})
{%- endmacro %}

{#- The widest exact integer type, for sums that must not round: DuckDB's HUGEINT (int128, up to
    1.7e38), Spark's decimal(38, 0) (up to 1e38; ANSI mode raises beyond it). -#}
{% macro exact_integer_type() -%}
    {{- return(adapter.dispatch('exact_integer_type', 'groundswell')()) -}}
{%- endmacro %}

{% macro duckdb__exact_integer_type() -%}
    hugeint
{%- endmacro %}

{% macro spark__exact_integer_type() -%}
    decimal(38, 0)
{%- endmacro %}

{#- An aggregate: the mean of `value` summed exactly as a decimal(precision, scale) (so the mean
    does not follow row order), as a double. DuckDB: avg of the decimals (a double). Spark's avg of
    decimals is a decimal rounded to 10 places: the exact sum, unscaled (an integer, exact as a
    double below 2^53), over the count times 10^scale, one rounding as DuckDB's. -#}
{% macro decimal_avg(value, precision, scale) -%}
    {{- return(adapter.dispatch('decimal_avg', 'groundswell')(value, precision, scale)) -}}
{%- endmacro %}

{% macro duckdb__decimal_avg(value, precision, scale) -%}
    avg(({{ value }})::decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro spark__decimal_avg(value, precision, scale) -%}
    cast(sum(cast({{ value }} as decimal({{ precision }}, {{ scale }}))) * {{ 10 ** scale }} as double)
        / (nullif(count({{ value }}), 0) * {{ 10 ** scale }})
{%- endmacro %}

{#- The median of `value` (a double) over the named window `window` (its frame: ROWS ...), and its
    median absolute deviation: median(|value - median|) over the same frame; both interpolated
    (the mean of the two middle values of an even count), NULL over an empty frame, NULLs ignored.
    DuckDB: median() and mad(). Spark has no mad(), and no median or percentile over a ROWS frame
    (Spark 4 rejects a frame for median; percentile() accepts one but is slower): the frame's
    values are collected and sorted, and both are taken from the sorted array, with DuckDB's
    interpolation (lo + (hi - lo) * 0.5), so the values are DuckDB's to the bit. -#}
{% macro window_median(value, window) -%}
    {{- return(adapter.dispatch('window_median', 'groundswell')(value, window)) -}}
{%- endmacro %}

{% macro duckdb__window_median(value, window) -%}
    median({{ value }}) over {{ window }}
{%- endmacro %}

{% macro spark__window_median(value, window) -%}
    element_at(transform(array(array_sort(collect_list(cast({{ value }} as double)) over {{ window }})),
        sorted -> {{ spark_sorted_median('sorted') }}), 1)
{%- endmacro %}

{% macro window_mad(value, window) -%}
    {{- return(adapter.dispatch('window_mad', 'groundswell')(value, window)) -}}
{%- endmacro %}

{% macro duckdb__window_mad(value, window) -%}
    mad({{ value }}) over {{ window }}
{%- endmacro %}

{#- element_at(transform(array(x), v -> f(v)), 1): f(x), with x computed once -#}
{% macro spark__window_mad(value, window) -%}
    element_at(transform(array(array_sort(collect_list(cast({{ value }} as double)) over {{ window }})),
        sorted -> element_at(transform(array({{ spark_sorted_median('sorted') }}),
            med -> element_at(transform(array(array_sort(transform(sorted, v -> abs(v - med)))),
                deviations -> {{ spark_sorted_median('deviations') }}), 1)), 1)), 1)
{%- endmacro %}

{#- Spark: the median of a sorted array of doubles without NULLs (a lambda variable); NULL if empty. -#}
{% macro spark_sorted_median(sorted) -%}
    {%- set lower = 'element_at(' ~ sorted ~ ', cast((size(' ~ sorted ~ ') + 1) div 2 as int))' -%}
    {%- set upper = 'element_at(' ~ sorted ~ ', cast(size(' ~ sorted ~ ') div 2 + 1 as int))' -%}
    case when size({{ sorted }}) = 0 then null
         when size({{ sorted }}) % 2 = 1 then {{ lower }}
         else {{ lower }} + ({{ upper }} - {{ lower }}) * 0.5d end
{%- endmacro %}

