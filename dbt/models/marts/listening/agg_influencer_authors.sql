-- One row per brand, platform and author of fct_mentions: what dim_influencers needs of each
-- author's mentions (their latest handle and reach, counts, engagement, mean sentiment, active
-- weeks, first and last mention). dim_influencers scores and ranks these rows; it reads no
-- mention. Definitions: docs/metrics.md#influencers.
--
-- Incremental (strategy replace_keys on brand, platform, author_id): a run recomputes, from all
-- their mentions, the authors of the fct_mentions rows written since its last run (`_built_at`)
-- and those who held a mention before fct_mentions rewrote it (int_mentions_replaced: a mention
-- gone, or moved to another brand or author). An author left with no mention is a tombstone
-- (mentions null): their row is deleted. The history is read by author, not aggregated again.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='replace_keys',
    unique_key=['brand', 'platform', 'author_id'],
    deleted_when='mentions is null',
    on_schema_change='fail'
) }}
{%- set incremental = is_incremental() %}
{%- set latest = struct_of({'at': 'mentioned_at', 'id': 'mention_id'}) %}
{%- if incremental and execute %}
    {%- set watermark = last_built_at(this) %}
{%- endif %}
-- depends_on: {{ ref('int_mentions_replaced') }}
with

{% if incremental -%}
touched as (

    select brand, platform, author_id
    from {{ ref('fct_mentions') }}
    where _built_at > cast('{{ watermark }}' as timestamp) and brand is not null and author_id is not null
    union
    select brand, platform, author_id
    from {{ ref('int_mentions_replaced') }}
    where _built_at > cast('{{ watermark }}' as timestamp) and author_id is not null

),
{%- endif %}

mentions as (

    select
        m.brand,
        m.platform,
        m.author_id,
        m.author_handle,
        m.public_handle,
        m.author_followers,
        m.mentioned_at,
        m.mention_id,
        m.sentiment_score,
        m.sentiment_label,
        coalesce(m.likes, 0) + coalesce(m.shares, 0) + coalesce(m.replies, 0) as engagement
    from {{ ref('fct_mentions') }} as m
    {%- if incremental %}
    semi join touched as t
        on t.brand = m.brand and t.platform = m.platform and t.author_id = m.author_id
    {%- endif %}
    where m.brand is not null and m.author_id is not null
    {%- if incremental %}
        -- one column first: most row groups hold none of the touched authors
        and m.author_id in (select author_id from touched)
    {%- endif %}

),

authors as (

    select
        brand,
        platform,
        author_id,
        -- the latest (two mentions of one instant: the greater id, so both engines pick the same)
        max_by(author_handle, {{ latest }}) as author_handle,
        -- the latest handle seen on a public mention (NULL: never above the threshold)
        max_by(public_handle, {{ latest }}) filter (where public_handle is not null) as public_handle,
        -- the latest follower count seen (reach changes; the newest is the truth now)
        max_by(author_followers, {{ latest }}) filter (where author_followers is not null) as reach,
        count(*) as mentions,
        count(*) filter (where sentiment_label = 'positive') as positive_mentions,
        count(*) filter (where sentiment_label = 'negative') as negative_mentions,
        sum(engagement)::bigint as engagement_received,
        -- Summed as decimals (VADER compounds have 4 places): a sum of doubles follows row order,
        -- and a backfill or a rerun would move the mean in its last digit.
        {{ decimal_avg('sentiment_score', 18, 6) }} as avg_sentiment,
        count(distinct date_trunc('week', mentioned_at)) as active_weeks,
        min(mentioned_at) as first_mentioned_at,
        max(mentioned_at) as last_mentioned_at
    from mentions
    group by brand, platform, author_id

)

{% if incremental -%}
-- a touched author without a mention: a tombstone
select
    t.brand,
    t.platform,
    t.author_id,
    a.* except (brand, platform, author_id),
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
from touched as t
left join authors as a
    on a.brand = t.brand and a.platform = t.platform and a.author_id = t.author_id
{%- else -%}
select
    *,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
from authors
{%- endif %}
