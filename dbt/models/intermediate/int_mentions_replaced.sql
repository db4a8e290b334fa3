-- Where each mention fct_mentions is about to rebuild stood before this run (its row as it was):
-- the brand-hour and the brand's author. agg_mentions_hourly recounts those hours and
-- int_influencer_authors those authors, so a mention that moved to another hour, brand or author,
-- or is gone, leaves no stale count behind. One row per brand, hour and author for each dbt run
-- that recorded it (`_built_at`, the run's start; each reader reads the rows recorded since its
-- own last run).
--
-- It runs before fct_mentions (which declares the dependency) and reads fct_mentions' table as
-- it stands, not through ref(): the rows about to be replaced. The mentions are those of macro
-- listening_touched, with fct_mentions' own watermark, so both see the same set. Empty on a
-- first build and with --full-refresh (everything is rebuilt).
--
-- Kept small: after each run, the rows both readers have already read (recorded at or before the
-- older of their last runs) are deleted. A reader that does not exist yet builds in full.
--
-- On Spark nothing is incremental (macros/engine.sql): fct_mentions and its readers rebuild whole,
-- so this is always the empty branch there (typed columns, no rows) and the post-hook deletes
-- nothing.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook="{{ forget_what_readers_read(['agg_mentions_hourly', 'int_influencer_authors']) }}"
) }}
-- depends_on: {{ ref('stg_listening__mentions') }}
-- depends_on: {{ ref('stg_airline_sentiment__tweets') }}
-- depends_on: {{ source('lake', 'load_audit') }}
{%- set fct = adapter.get_relation(database=this.database, schema='marts', identifier='fct_mentions') %}
{%- set built_at = run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") %}
{%- if engine_keeps_increments() and fct is not none and execute and not should_full_refresh() %}
{%- set w = listening_watermark(fct) %}
select distinct
    m.brand,
    date_trunc('hour', m.mentioned_at) as hour_at,
    m.platform,
    m.author_id,
    cast('{{ built_at }}' as timestamp) as _built_at
from {{ fct }} as m
semi join ({{ listening_touched(fct, w) }}) as t using (mention_id)
where m.brand is not null
{%- else %}
select
    null::string as brand,
    null::timestamp as hour_at,
    null::string as platform,
    null::string as author_id,
    cast('{{ built_at }}' as timestamp) as _built_at
where false
{%- endif %}
