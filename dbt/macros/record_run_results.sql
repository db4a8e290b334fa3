{#- on-run-end: every node's outcome of this invocation into ops.dbt_results (tests run and
    failed per run, on the Data health page). The table is made by groundswell (groundswell.ops,
    one definition) whenever it opens the writer, before any dbt run. No existence check here:
    looking a relation up opens a transaction that dbt then rolls back, with the insert in it.
    On Spark, groundswell records them from dbt's run_results.json (ops.record_dbt_results): the
    table is in the DuckDB writer, which Spark does not see. -#}
{% macro record_run_results(results) %}
  {%- if target.type == 'spark' -%}
    select 1
  {%- elif execute and results -%}
    {%- if results | selectattr('node.resource_type', 'in', ['model', 'seed', 'snapshot', 'test', 'unit_test']) | list -%}
      {%- set rows = [] -%}
      {#- Source freshness results are stored by groundswell itself (ops.source_freshness). -#}
      {%- for r in results if r.node.resource_type in ('model', 'seed', 'snapshot', 'test', 'unit_test') -%}
        {%- do rows.append("(" ~ [
              _gs_literal(invocation_id),
              _gs_literal(env_var('AIRFLOW_CTX_DAG_ID', '') or 'cli'),
              _gs_literal(env_var('AIRFLOW_CTX_DAG_RUN_ID', '') or env_var('GROUNDSWELL_RUN_ID', '') or 'cli'),
              _gs_literal(r.node.unique_id),
              _gs_literal(r.node.resource_type),
              _gs_literal(r.status),
              (r.failures if r.failures is not none else 'null'),
              (r.execution_time if r.execution_time is not none else 'null'),
              (_gs_literal((r.message | string)[:1000]) if r.message is not none else 'null'),
              "(current_timestamp at time zone 'UTC')"
            ] | join(", ") ~ ")") -%}
      {%- endfor -%}
      insert into ops.dbt_results (invocation_id, dag_id, run_id, unique_id, resource_type, status,
        failures, execution_seconds, message, recorded_at)
      values {{ rows | join(",\n") }}
    {%- endif -%}
  {%- endif -%}
{% endmacro %}

{% macro _gs_literal(value) -%}
  '{{ (value | string) | replace("'", "''") }}'
{%- endmacro %}
