{#- The rows of `relation` landed after `watermark` (a timestamp literal); every row when
    it is none. For an incremental model reading a staging view: the view's latest-landing
    window still runs over the whole raw table (DuckDB cannot push the filter below it), but
    the result is the same as filtering the raw rows first. -#}
{% macro landed_since(relation, watermark=none) -%}
    select * from {{ relation }}
    {%- if watermark %}
    where _loaded_at > cast('{{ watermark }}' as timestamp)
    {%- endif %}
{%- endmacro %}
