-- One row per distinct mention of a brand or a competitor, wherever it was heard: the listening
-- tool's export (which covers X: customers' tweets to a brand's account are in it too) and the
-- public airline sentiment tweets (with their human labels). Sentiment and complaint type come
-- from enrichment (VADER and seed 004's rules), the same scoring as customer care. Not built
-- from the care marts, so the hourly listening run stays light. Definitions:
-- docs/metrics.md#listening.
--
-- Incremental (strategy replace_keys on mention_id; the hourly run costs what landed, not the
-- history). A run rebuilds the mentions (macro listening_touched) whose latest landing is after
-- the latest it holds (per source), an airline tweet landed since, an enrichment row written since
-- its last run (`_built_at`, the start of the dbt run that wrote a row), or whose landing a
-- re-landing replaced (lake.load_audit). The mentions with a new listening landing are read from
-- the staging rows landed since the watermark (zone maps skip the rest); the others by id.
-- A rebuilt mention no source holds any more is a tombstone (only its mention_id): its row is
-- deleted. Before it writes, its pre-hook (macro record_replaced_mentions) appends where the rows
-- it replaces stood to int_mentions_replaced, for agg_mentions_hourly and agg_influencer_authors.
-- Nothing here reads seeds or vars but influencer_public_followers (after changing it: --full-refresh).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='replace_keys',
    unique_key=['mention_id'],
    deleted_when='mentioned_at is null',
    on_schema_change='fail',
    pre_hook="{{ record_replaced_mentions() }}"
) }}
{%- set incremental = is_incremental() %}
{%- set others = 0 %}
{%- if incremental and execute %}
    {%- set w = listening_watermark(this) %}
    {%- set others = run_query("select count(*) from (" ~ listening_touched(this, w) ~ ") where not landed"
                               ).columns[0].values()[0] %}
{%- endif %}
-- depends_on: {{ ref('stg_listening__mentions') }}
-- depends_on: {{ ref('stg_airline_sentiment__tweets') }}
-- depends_on: {{ source('lake', 'load_audit') }}
with

{% if incremental -%}
touched as (

    {{ listening_touched(this, w) }}

),

listening_latest as (

    select * from {{ ref('stg_listening__mentions') }}
    where _loaded_at > cast('{{ w.since.listening__mentions }}' as timestamp)
    {%- if others %}
    union all
    select * from {{ ref('stg_listening__mentions') }}
    where mention_id in (select mention_id from touched where not landed)
    {%- endif %}

),

airline_latest as (

    select * from {{ ref('stg_airline_sentiment__tweets') }}
    where 'x-' || tweet_id in (select mention_id from touched)

),

-- Two scans, one per source, so each can skip the row groups outside its own key range.
enriched as (

    select source, record_id, sentiment_score, sentiment_label, complaint_type, complaint_topic,
        label_source
    from {{ source('enrichment', 'texts') }}
    where source = 'listening__mentions' and record_id in (select mention_id from touched)
    union all
    select source, record_id, sentiment_score, sentiment_label, complaint_type, complaint_topic,
        label_source
    from {{ source('enrichment', 'texts') }}
    where source = 'airline_sentiment__tweets'
        and record_id in (select substr(mention_id, 3) from touched where mention_id like 'x-%')

),
{%- else -%}
listening_latest as (

    select * from {{ ref('stg_listening__mentions') }}

),

airline_latest as (

    select * from {{ ref('stg_airline_sentiment__tweets') }}

),

enriched as (

    select source, record_id, sentiment_score, sentiment_label, complaint_type, complaint_topic,
        label_source
    from {{ source('enrichment', 'texts') }}

),
{%- endif %}

listening as (

    select
        mention_id,
        mentioned_at,
        platform,
        brand,
        author_id,
        author_handle,
        author_followers,
        hashtags,
        text,
        likes,
        shares,
        replies,
        tool_sentiment,
        null::string as human_sentiment,
        'listening__mentions' as source,
        mention_id as record_id,
        1 as source_rank,
        _loaded_at
    from listening_latest

),

airline_sentiment as (

    select
        'x-' || tweet_id as mention_id,
        mentioned_at,
        'x' as platform,
        brand,
        author_handle as author_id,
        author_handle,
        null::bigint as author_followers,
        -- [0-9A-Za-z_]: \w of both engines' regular expressions (ASCII), without a backslash (a
        -- Spark string literal would drop it)
        regexp_extract_all(lower(text), '#([0-9A-Za-z_]+)', 1) as hashtags,
        text,
        null::bigint as likes,
        retweet_count as shares,
        null::bigint as replies,
        null::string as tool_sentiment,
        human_sentiment,
        'airline_sentiment__tweets' as source,
        tweet_id as record_id,
        2 as source_rank,
        _loaded_at
    from airline_latest

),

unioned as (

    select * from listening
    union all
    select * from airline_sentiment

),

-- The same post heard twice (a tweet of the airline dataset also in the tool's export): the
-- listening tool's row; the human label is kept from whichever source has it.
distinct_mentions as (

    select
        * except (human_sentiment, source_rank),
        max(human_sentiment) over (partition by mention_id) as human_sentiment
    from unioned
    qualify row_number() over (partition by mention_id order by source_rank) = 1

),

final as (

    select
        m.mention_id,
        m.mentioned_at,
        m.platform,
        m.brand,
        -- customers and the public: keyed pseudonyms (docs/metrics.md#pseudonyms)
        {{ pseudonymize('m.author_id') }} as author_id,
        {{ pseudonymize('m.author_handle') }} as author_handle,
        -- an author this many follow speaks in public: the handle itself (dashboards show it to
        -- users of every unit only: dashboards/access.MASKED)
        case when m.author_followers >= {{ var('influencer_public_followers') }} then m.author_handle end
            as public_handle,
        m.author_followers,
        m.hashtags,
        m.text,
        m.likes,
        m.shares,
        m.replies,
        e.sentiment_score,
        e.sentiment_label,
        coalesce(e.complaint_type, 'neutral') as complaint_type,
        e.complaint_topic,
        e.label_source,
        m.human_sentiment,
        m.tool_sentiment,
        m.source,
        m._loaded_at,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
    from distinct_mentions as m
    left join enriched as e on e.source = m.source and e.record_id = m.record_id

)

{% if incremental -%}
-- a touched mention without a row: a tombstone
select t.mention_id, f.* except (mention_id)
from (select distinct mention_id from touched) as t
left join final as f using (mention_id)
{%- else -%}
select * from final
{%- endif %}
