{#- What changed for fct_mentions since its last run, for its incremental branch and for
    int_mentions_replaced (which runs just before it and must see the same set).

    listening_watermark(fct): the start of the last dbt run that wrote fct_mentions (max
    `_built_at`, a timestamp literal) and the `_loaded_at` stamps of the earlier landings that a
    re-landing since replaced (raw.load_audit: the same batch or one of its files landed again;
    their raw rows are gone, so the mentions they held must be looked up again).

    listening_touched(fct, w): the mention_ids to rebuild, with `landed`: true for the mentions
    that have a raw listening row landed after the watermark (their latest landing is among
    those rows), false for the others (an airline tweet landed, an enrichment rescored, a
    landing replaced), whose rows must be looked up in all of raw. -#}
{% macro listening_watermark(fct) -%}
    {%- set built_at = last_built_at(fct) -%}
    {%- set replaced = run_query(
        "select distinct strftime(a.started_at, '%Y-%m-%d %H:%M:%S.%f') from raw.load_audit as a"
        ~ " where a.source in ('listening-mentions', 'airline-sentiment')"
        ~ " and a.started_at <= cast('" ~ built_at ~ "' as timestamp)"
        ~ " and exists (select 1 from raw.load_audit as b where b.source = a.source"
        ~ " and b.started_at > cast('" ~ built_at ~ "' as timestamp)"
        ~ " and (b.batch_id = a.batch_id or list_has_any(b.files, a.files)))"
        ~ " order by 1").columns[0].values() -%}
    {{- return({'built_at': built_at, 'replaced': replaced | list}) -}}
{%- endmacro %}

{% macro listening_touched(fct, w) -%}
    {%- set since = "cast('" ~ w.built_at ~ "' as timestamp)" -%}
    with landed as (
        select distinct mention_id
        from {{ source('listening', 'listening__mentions') }}
        where _loaded_at > {{ since }}
    ),
    other as (
        select 'x-' || tweet_id as mention_id
        from {{ source('airline_sentiment', 'airline_sentiment__tweets') }}
        where _loaded_at > {{ since }}
        union
        select case when source = 'listening__mentions' then record_id else 'x-' || record_id end
        from {{ source('enrichment', 'texts') }}
        where enriched_at > {{ since }} and source in ('listening__mentions', 'airline_sentiment__tweets')
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
