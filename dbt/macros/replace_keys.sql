{#- Incremental strategy `replace_keys`: delete+insert on `unique_key`, where a row of the new
    batch matching config `deleted_when` (a SQL condition on its columns) is a tombstone: its key's
    old row is deleted and nothing is inserted for it. The listening models use it for what a
    full build would no longer produce (a mention gone from a re-landed file, the hours a brand's
    span no longer covers), which plain delete+insert cannot remove. Used by DuckDB's incremental
    runs only: on Spark those models are tables, rebuilt whole (macros/engine.sql). -#}
{% macro get_incremental_replace_keys_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set deleted_when = config.get('deleted_when') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} as dbt_target
    using (select distinct {{ keys | join(', ') }} from {{ source }}) as dbt_source
    where {% for key in keys %}dbt_source.{{ key }} = dbt_target.{{ key }}{{ ' and ' if not loop.last }}{% endfor %};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
    {%- if deleted_when %}
    where not coalesce(({{ deleted_when }}), false)
    {%- endif %}
{%- endmacro %}
