-- Where each mention stood before fct_mentions rebuilt it (its row as it was): the brand-hour and
-- the brand's author. agg_mentions_hourly recounts those hours and agg_influencer_authors those
-- authors, so a mention that moved to another hour, brand or author, or is gone, leaves no stale
-- count behind. One row per brand, hour, platform and author for each dbt run that recorded it
-- (`_built_at`, the run's start; each reader reads the rows recorded since its own last run).
--
-- A log, written by fct_mentions: its pre-hook (macro record_replaced_mentions) appends the rows
-- it is about to replace, read through `this` before it writes; only the model itself can read
-- its rows as they were. This model makes the log's table and keeps it small: after each run,
-- the rows both readers have already read (recorded at or before the older of their last runs)
-- are deleted. A reader that does not exist yet builds in full. Empty after a first build and
-- with --full-refresh (everything is rebuilt).
--
-- On Spark nothing is incremental (macros/engine.sql): fct_mentions and its readers rebuild whole,
-- the hook records nothing, and this stays empty.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook="{{ forget_what_readers_read(['agg_mentions_hourly', 'agg_influencer_authors']) }}"
) }}
select
    null::string as brand,
    null::timestamp as hour_at,
    null::string as platform,
    null::string as author_id,
    null::timestamp as _built_at
where false
