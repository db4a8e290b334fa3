{#- The latest landing of each record, computed once per new batch.

    The lake keeps every landing of a record (a tweet fetched again, a deal exported again as it
    moves); the staging models keep the latest. They are incremental: a run reads only the raw rows
    landed after the latest `_loaded_at` it holds (its watermark: landings of one table commit in
    `_loaded_at` order, groundswell.lake), ranks them against the rows it holds for the same keys,
    and replaces those keys (strategy `replace_keys`). A full build ranks every landing.

    A re-landing replaces what a batch landed before (lake.load_audit `replaced_batches`): a row
    held from a replaced batch is a ghost, so its key is ranked again over every landing of it
    still in the lake, and deleted when none is left (a tombstone: the key alone, `_record_no`
    null, which `replace_keys` deletes and does not insert: dbt_project.yml `deleted_when`).

    The order: `order_first` (a closed deal outranks an open one landed later), then the later
    landing, then file and position, so the choice is deterministic. Staging models carry
    `_loaded_at`, `_source_file`, `_record_no` and `_batch_id` for it.

    In a staging model:
        {%- set landing = landing_state(source('crm', 'crm__deals')) %}
        source as ({{ landings(source('crm', 'crm__deals'), landing, 'deal_id') }}),
        renamed as (select ..., {{ lineage_columns() }} from source),
        final as ({{ latest_landing('renamed', 'deal_id', landing, order_first='closed_at desc nulls last') }})
-#}

{#- What an incremental run of the current model needs to know of `relation` (a raw source): its
    watermark and whether a landing since replaced earlier batches. Full builds: since = none. -#}
{% macro landing_state(relation) -%}
    {%- set audit = source('lake', 'load_audit') -%}
    {%- set state = {'since': none, 'replaced': false, 'table': 'raw.' ~ relation.identifier, 'audit': audit} -%}
    {%- if execute and this is not none and is_incremental() -%}
        {%- set since = run_query(
            "select strftime(coalesce(max(_loaded_at), '0001-01-01'::timestamp), '%Y-%m-%d %H:%M:%S.%f') from "
            ~ this).columns[0].values()[0] -%}
        {%- do state.update({'since': since}) -%}
        {%- set replaced = run_query(
            "select count(*) from " ~ audit ~ " where " ~ landed_after(state)
            ~ " and len(coalesce(replaced_batches, [])) > 0").columns[0].values()[0] -%}
        {%- do state.update({'replaced': replaced > 0}) -%}
    {%- endif -%}
    {{- return(state) -}}
{%- endmacro %}

{#- Audit rows of the landings of the state's table after its watermark (the folders of earlier
    days are not opened). -#}
{% macro landed_after(state, alias=none) -%}
    {%- set a = alias ~ '.' if alias else '' -%}
    {{ a }}target_table = '{{ state.table }}'
    and {{ a }}landed_on >= cast('{{ state.since }}' as date)
    and {{ a }}started_at > cast('{{ state.since }}' as timestamp)
{%- endmacro %}

{#- The rows of the current model (alias `t`) that came from a batch a landing since replaced. -#}
{% macro replaced_by_landing(state) -%}
    exists (
        select 1 from {{ state.audit }} as a
        where {{ landed_after(state, 'a') }}
            and list_contains(a.replaced_batches, t._batch_id)
            and list_contains(a.files, t._source_file)
    )
{%- endmacro %}

{#- The raw rows to rank: every landing (full build), or those landed after the watermark plus
    every landing of the keys whose held row a re-landing replaced. `key`: the raw key columns;
    `this_key`: the same in the model (default the same names). -#}
{% macro landings(relation, state, key, this_key=none) -%}
    select * from {{ relation }}
    {%- if state.since is not none %}
    where _loaded_at > cast('{{ state.since }}' as timestamp)
    {%- if state.replaced %}
    union all
    select * from {{ relation }}
    where _loaded_at <= cast('{{ state.since }}' as timestamp)
        and ({{ key }}) in (select {{ this_key or key }} from {{ this }} as t where {{ replaced_by_landing(state) }})
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{% macro lineage_columns() -%}
    _batch_id,
        _source_file,
        _record_no,
        _loaded_at
{%- endmacro %}

{% macro latest_landing(relation, key, state=none, order_first=none) -%}
    {%- set order -%}
        {% if order_first %}{{ order_first }}, {% endif %}_loaded_at desc, _source_file desc, _record_no desc
    {%- endset -%}
    {%- if state is none or state.since is none %}
    select *
    from {{ relation }}
    qualify row_number() over (partition by {{ key }} order by {{ order }}) = 1
    {%- else %}
    select *
    from (
        select * from {{ relation }}
        union all by name
        -- the rows held for the same keys compete, unless a re-landing replaced their batch
        select * from {{ this }} as t
        where ({{ key }}) in (select {{ key }} from {{ relation }})
        {%- if state.replaced %}
            and not {{ replaced_by_landing(state) }}
        {%- endif %}
    )
    qualify row_number() over (partition by {{ key }} order by {{ order }}) = 1
    {%- if state.replaced %}
    union all by name
    -- a held row whose batch was replaced and whose key no landing holds any more: deleted
    select {{ key }}, null::bigint as _record_no
    from {{ this }} as t
    where {{ replaced_by_landing(state) }}
        and ({{ key }}) not in (select {{ key }} from {{ relation }})
    {%- endif %}
    {%- endif %}
{%- endmacro %}
