-- The brand-hours that held a mention fct_mentions is about to rebuild (its row as it was before
-- this run): agg_mentions_hourly recounts them, so a mention that moved to another hour or brand,
-- or is gone, leaves no stale count behind. One row per brand and hour, with the start of the dbt
-- run that last recorded it (`_built_at`; agg_mentions_hourly reads the rows recorded since its
-- own last run).
--
-- It runs before fct_mentions (which declares the dependency) and reads fct_mentions' table as
-- it stands, not through ref(): the rows about to be replaced. The mentions are those of macro
-- listening_touched, with fct_mentions' own watermark, so both see the same set. Empty on a
-- first build and with --full-refresh (everything is rebuilt).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['brand', 'hour_at'],
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('stg_listening__mentions') }}
-- depends_on: {{ ref('stg_airline_sentiment__tweets') }}
-- depends_on: {{ source('lake', 'load_audit') }}
{%- set fct = adapter.get_relation(database=this.database, schema='marts', identifier='fct_mentions') %}
{%- set built_at = run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") %}
{%- if fct is not none and execute and not should_full_refresh() %}
{%- set w = listening_watermark(fct) %}
select distinct
    m.brand,
    date_trunc('hour', m.mentioned_at) as hour_at,
    cast('{{ built_at }}' as timestamp) as _built_at
from {{ fct }} as m
semi join ({{ listening_touched(fct, w) }}) as t using (mention_id)
where m.brand is not null
{%- else %}
select null::varchar as brand, null::timestamp as hour_at, cast('{{ built_at }}' as timestamp) as _built_at
where false
{%- endif %}
