{#- What changed for fct_mentions since its last run, for its incremental branch and for
    int_mentions_replaced (which runs just before it and must see the same set).

    listening_watermark(fct): per source, the latest landing fct_mentions holds (max `_loaded_at`:
    landings of one table commit in `_loaded_at` order, so every landing up to it has been read);
    the start of the last dbt run that wrote it (max `_built_at`: enrichment writes before dbt
    runs); and the `_loaded_at` stamps of the earlier landings that a re-landing since replaced
    (lake.load_audit `replaced_batches`: the mentions they held must be looked up again).

    listening_touched(fct, w): the mention_ids to rebuild, with `landed`: true for the mentions
    whose latest landing (stg_listening__mentions) is after the watermark, false for the others
    (an airline tweet landed, an enrichment rescored, a landing replaced), looked up by id.

    Both serve incremental runs only, so they are DuckDB's SQL (strftime, list_contains, ...):
    on Spark every model is rebuilt whole (macros/engine.sql) and neither is called. -#}
{% macro listening_watermark(fct) -%}
    {%- set built_at = last_built_at(fct) -%}
    {%- set since = {'listening__mentions': '0001-01-01 00:00:00.000000',
                     'airline_sentiment__tweets': '0001-01-01 00:00:00.000000'} -%}
    {%- for row in run_query("select source, strftime(max(_loaded_at), '%Y-%m-%d %H:%M:%S.%f') from "
                             ~ fct ~ " where _loaded_at is not null group by source") -%}
        {%- do since.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set audit = source('lake', 'load_audit') -%}
    {%- set new_landings -%}
        select target_table, batch_id, started_at, replaced_batches from {{ audit }}
        where {% for table, stamp in since.items() %}(target_table = 'raw.{{ table }}'
            and landed_on >= cast('{{ stamp }}' as date) and started_at > cast('{{ stamp }}' as timestamp)
            and len(coalesce(replaced_batches, [])) > 0){{ ' or ' if not loop.last }}{% endfor %}
    {%- endset -%}
    {%- set replaced = [] -%}
    {%- if run_query("select count(*) from (" ~ new_landings ~ ")").columns[0].values()[0] > 0 -%}
        {%- set replaced = run_query(
            "select distinct strftime(e.started_at, '%Y-%m-%d %H:%M:%S.%f') from " ~ audit ~ " as e"
            ~ " join (" ~ new_landings ~ ") as n on n.target_table = e.target_table"
            ~ " and list_contains(n.replaced_batches, e.batch_id) and e.started_at < n.started_at"
            ~ " order by 1").columns[0].values() | list -%}
    {%- endif -%}
    {{- return({'built_at': built_at, 'since': since, 'replaced': replaced}) -}}
{%- endmacro %}

{% macro listening_touched(fct, w) -%}
    with landed as (
        select mention_id
        from {{ ref('stg_listening__mentions') }}
        where _loaded_at > cast('{{ w.since.listening__mentions }}' as timestamp)
    ),
    other as (
        select 'x-' || tweet_id as mention_id
        from {{ ref('stg_airline_sentiment__tweets') }}
        where _loaded_at > cast('{{ w.since.airline_sentiment__tweets }}' as timestamp)
        union
        select case when source = 'listening__mentions' then record_id else 'x-' || record_id end
        from {{ source('enrichment', 'texts') }}
        where enriched_at > cast('{{ w.built_at }}' as timestamp)
            and source in ('listening__mentions', 'airline_sentiment__tweets')
        {%- if w.replaced %}
        union
        select mention_id from {{ fct }}
        where _loaded_at between cast('{{ w.replaced[0] }}' as timestamp)
                             and cast('{{ w.replaced[-1] }}' as timestamp)
            and _loaded_at in ({% for stamp in w.replaced %}cast('{{ stamp }}' as timestamp){{ ', ' if not loop.last }}{% endfor %})
        {%- endif %}
    )
    select mention_id, true as landed from landed
    union all
    select mention_id, false as landed from other anti join landed using (mention_id)
{%- endmacro %}
