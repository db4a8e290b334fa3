{#- The rows of `relation` (a staging model: the latest landing of each record) landed after
    `watermark` (a timestamp literal); every row when it is none. For an incremental model that
    has read every landing up to its watermark (landings of one table commit in `_loaded_at`
    order, groundswell.lake): the rows whose latest landing is new. -#}
{% macro landed_since(relation, watermark=none) -%}
    select * from {{ relation }}
    {%- if watermark %}
    where _loaded_at > cast('{{ watermark }}' as timestamp)
    {%- endif %}
{%- endmacro %}
