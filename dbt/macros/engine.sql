{#- The engines the project runs on: DuckDB (embedded, the default) and Apache Spark
    (GROUNDSWELL_ENGINE=spark, dbt/profiles.yml target `spark`). The models are written once; what
    the engines spell differently sits behind adapter.dispatch macros (macros/cross_engine.sql).

    What differs in how a model is kept:
    - DuckDB keeps the incremental models incremental (strategy replace_keys: delete+insert).
    - Spark rebuilds them whole, as tables: its plain Parquet tables have no DELETE or MERGE (Delta
      Lake or Iceberg would have them, with their jars on the cluster), and rebuilding is what a
      cluster is for. The figures are the same: every incremental model equals its full refresh
      (tests/dbt/test_listening_incremental.py, test_care_incremental.py). -#}
{% macro incremental_materialization() -%}
    {{- return('table' if target.type == 'spark' else 'incremental') -}}
{%- endmacro %}

{#- The incremental branch of a model runs only where the model is kept incrementally. -#}
{% macro engine_keeps_increments() -%}
    {{- return(target.type != 'spark') -}}
{%- endmacro %}

{#- on-run-start: what each engine needs before any node runs. -#}
{% macro on_run_start() -%}
    {{- return(adapter.dispatch('on_run_start', 'groundswell')()) -}}
{%- endmacro %}

{#- DuckDB's memory for every model (GROUNDSWELL_DUCKDB_MEMORY_LIMIT, 3GB by default): beyond it,
    DuckDB spills to disk beside the warehouse, so a large brand's year builds in a bounded process. -#}
{% macro duckdb__on_run_start() -%}
    set memory_limit = '{{ env_var('GROUNDSWELL_DUCKDB_MEMORY_LIMIT', '3GB') }}'
{%- endmacro %}

{% macro spark__on_run_start() -%}
    select 1
{%- endmacro %}

{#- Spark reads the sources where they are, as views over their Parquet files: the raw lake
    (GROUNDSWELL_LAKE_ROOT: a folder or an object-store URI the cluster can read), its load audit,
    and enrichment's scores (groundswell.transform.enrichment exports them for Spark,
    GROUNDSWELL_ENRICHMENT_EXPORT). A view lists its files when a query reads it, so a new landing
    is read at once; its columns are fixed when it is made, so the pipeline makes them again
    before every build (`dbt run-operation register_lake_sources`: groundswell's prepare step),
    not in every dbt invocation (Cosmos starts one per model). -#}
{% macro register_lake_sources() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() if node.package_name == project_name -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create schema if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- do run_query('create or replace view ' ~ node.schema ~ '.' ~ node.identifier
                             ~ ' as ' ~ spark_source_select(node)) -%}
        {%- endfor -%}
        {{ log('registered ' ~ (graph.sources.values() | selectattr('package_name', 'equalto', project_name) | list | length) ~ ' sources on Spark', info=true) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark_source_select(node) -%}
    {%- set lake = env_var('GROUNDSWELL_LAKE_ROOT') -%}
    {%- if node.schema == 'enrichment' -%}
        select * from parquet.`{{ env_var('GROUNDSWELL_ENRICHMENT_EXPORT') }}/{{ node.identifier }}.parquet`
    {%- elif node.identifier == 'load_audit' -%}
        {#- one folder per table above the partition folders: the partition is read from the path -#}
        select *, cast(regexp_extract(_metadata.file_path, 'landed_on=([0-9-]+)', 1) as date) as landed_on
        from parquet.`{{ lake }}/load_audit/*/landed_on=*/*.parquet`
    {%- else -%}
        select * from parquet.`{{ lake }}/raw/{{ node.identifier }}`
    {%- endif -%}
{%- endmacro %}

{#- Seeds on Spark: dbt-spark's session cursor puts each value between quotes unescaped, so a
    seed text with an apostrophe ("customer's") breaks the insert. The values go in as Spark
    literals instead (backslash escapes, Spark's own), NULL as null. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set col_name = agate_table.column_names[loop.index0] -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{% endif -%}
                {%- endfor -%}){%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}
