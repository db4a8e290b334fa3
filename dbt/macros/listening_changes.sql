{#- What changed for fct_mentions since its last run, for its incremental branch and for its
    pre-hook record_replaced_mentions (which must see the same set).

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

{#- fct_mentions' pre-hook: before an incremental run replaces the rows of the mentions it rebuilds
    (listening_touched, the same set as the run's own), append where each stood (brand, hour,
    platform, author) to int_mentions_replaced, for agg_mentions_hourly and agg_influencer_authors:
    a mention that moved to another hour, brand or author, or is gone, leaves no stale count.
    Only fct_mentions can read its rows as they were (`this`, before the run writes), so the
    record is its own hook, and the log it writes is a ref(): dbt sees both dependencies.
    Nothing on a first build, with --full-refresh (everything is rebuilt), or on Spark (nothing
    incremental there: macros/engine.sql). -#}
{% macro record_replaced_mentions() -%}
{#- outside the condition: dbt parses hooks with is_incremental() false, and records this ref -#}
{%- set log = ref('int_mentions_replaced') -%}
{%- if engine_keeps_increments() and is_incremental() -%}
    {%- set w = listening_watermark(this) %}
    insert into {{ log }} (brand, hour_at, platform, author_id, _built_at)
    select distinct
        m.brand,
        date_trunc('hour', m.mentioned_at),
        m.platform,
        m.author_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
    from {{ this }} as m
    semi join ({{ listening_touched(this, w) }}) as t using (mention_id)
    where m.brand is not null
{%- endif -%}
{%- endmacro %}
