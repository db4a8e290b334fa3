{#- A post-hook for a model of changes that later models read incrementally (each the rows
    recorded since its own last run, `_built_at`): delete the rows every reader has read, those
    recorded at or before the oldest of the readers' last runs. A reader not built yet will build
    in full and needs none of them; with no reader built, only this run's rows are kept.
    Nothing where the models are not kept incrementally (Spark: macros/engine.sql): the model is
    rebuilt whole every run, and its readers read none of it incrementally. -#}
{% macro forget_what_readers_read(readers) -%}
{%- if engine_keeps_increments() -%}
    {%- set read_up_to = [run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f")] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name in readers -%}
            {%- set relation = adapter.get_relation(database=node.database, schema=node.schema,
                                                    identifier=node.alias) -%}
            {%- if relation is not none -%}
                {%- do read_up_to.append(last_built_at(relation)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {#- this run's rows are never read yet: `<` for them, `<=` for a reader's last run -#}
    delete from {{ this }}
    where _built_at {{ '<=' if read_up_to | length > 1 else '<' }} cast('{{ read_up_to | min }}' as timestamp)
{%- endif -%}
{%- endmacro %}
