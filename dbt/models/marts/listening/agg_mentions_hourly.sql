-- Mentions per brand and UTC hour: volume, sentiment mix, net sentiment and share of voice
-- within the brand's industry (its competitors in seeds/brands.csv). Every hour from the brand's
-- first mention to its last is a row, the silent ones with zeros: the crisis baseline needs them.
-- Definitions: docs/metrics.md#listening.
--
-- Incremental (strategy replace_keys on brand, hour_at). A run recounts every brand of the hours
-- that hold a fct_mentions row written since this table's last run (`_built_at`) or that held
-- one before it was rewritten (int_mentions_replaced), reading fct_mentions from the first such
-- hour on; it adds the hours by which a brand's span grew (zeros) and deletes those it no longer
-- covers (tombstones). The spans come from this table's own rows. After editing seeds/brands.csv
-- (industries), run with --full-refresh.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='replace_keys',
    unique_key=['brand', 'hour_at'],
    deleted_when='mentions is null',
    on_schema_change='fail'
) }}
{%- set incremental = is_incremental() %}
{%- set first_hour = none %}
{%- if incremental and execute %}
    {%- set watermark = last_built_at(this) %}
    {%- set first_hour = run_query(
        "select strftime(min(hour_at), '%Y-%m-%d %H:%M:%S') from ("
        ~ "select date_trunc('hour', mentioned_at) as hour_at from " ~ ref('fct_mentions')
        ~ " where _built_at > cast('" ~ watermark ~ "' as timestamp) and mentioned_at is not null"
        ~ " union all select hour_at from " ~ ref('int_mentions_replaced')
        ~ " where _built_at > cast('" ~ watermark ~ "' as timestamp))").columns[0].values()[0] %}
{%- endif %}
-- depends_on: {{ ref('int_mentions_replaced') }}
with

brands as (

    select brand, industry from {{ ref('brands') }}

),

{% if incremental -%}
-- The hours to recount, every brand of them (one brand's count moves the others' share of voice).
changed_hours as (

    {%- if first_hour %}
    select distinct date_trunc('hour', mentioned_at) as hour_at
    from {{ ref('fct_mentions') }}
    where _built_at > cast('{{ watermark }}' as timestamp) and brand is not null
    union
    select hour_at from {{ ref('int_mentions_replaced') }}
    where _built_at > cast('{{ watermark }}' as timestamp)
    {%- else %}
    select null::timestamp as hour_at where false
    {%- endif %}

),

mentions as (

    select brand, date_trunc('hour', mentioned_at) as hour_at, sentiment_label
    from {{ ref('fct_mentions') }}
    where brand is not null
    {%- if first_hour %}
        and mentioned_at >= cast('{{ first_hour }}' as timestamp)
        and date_trunc('hour', mentioned_at) in (select hour_at from changed_hours)
    {%- else %}
        and false
    {%- endif %}

),
{%- else -%}
mentions as (

    -- ::timestamp: Spark's date_trunc returns a timestamp with the session's zone (UTC); the
    -- cast keeps the column a timestamp without zone, as DuckDB's
    select brand, date_trunc('hour', mentioned_at)::timestamp as hour_at, sentiment_label
    from {{ ref('fct_mentions') }}
    where brand is not null

),
{%- endif %}

counted as (

    select
        brand,
        hour_at,
        count(*) as mentions,
        count(*) filter (where sentiment_label = 'positive') as positive_mentions,
        count(*) filter (where sentiment_label = 'neutral') as neutral_mentions,
        count(*) filter (where sentiment_label = 'negative') as negative_mentions
    from mentions
    group by brand, hour_at

),

{% if incremental -%}
-- Each brand's span (first to last hour with a mention), before and after this run.
old_spans as (

    select brand, min(hour_at) as first_hour, max(hour_at) as last_hour from {{ this }} group by brand

),

spans as (

    select brand, min(hour_at) as first_hour, max(hour_at) as last_hour
    from (
        select brand, hour_at from {{ this }}
        where mentions > 0 and hour_at not in (select hour_at from changed_hours)
        union all
        select brand, hour_at from counted
    )
    group by brand

),

-- The rows to write: the recounted hours within the brand's span, and the hours its span gained.
hours as (

    select s.brand, c.hour_at
    from spans as s
    inner join changed_hours as c on c.hour_at between s.first_hour and s.last_hour
    union
    select s.brand, {{ explode_hours(
        's.first_hour', 'least(s.last_hour, coalesce(o.first_hour - interval 1 hour, s.last_hour))'
    ) }} as hour_at
    from spans as s left join old_spans as o using (brand)
    where o.first_hour is null or s.first_hour < o.first_hour
    union
    select s.brand, {{ explode_hours('greatest(s.first_hour, o.last_hour + interval 1 hour)', 's.last_hour') }} as hour_at
    from spans as s inner join old_spans as o using (brand)
    where s.last_hour > o.last_hour

),

-- Every brand's mentions in those hours: recounted, or as this table holds them.
hour_counts as (

    select brand, hour_at, mentions from counted
    union all
    select t.brand, t.hour_at, t.mentions
    from {{ this }} as t
    where t.hour_at in (select hour_at from hours) and t.hour_at not in (select hour_at from changed_hours)

),

industry_hours as (

    select h.hour_at, b.industry, sum(h.mentions) as industry_mentions
    from hour_counts as h
    inner join brands as b using (brand)
    group by h.hour_at, b.industry

),

{%- else -%}
hours as (

    select brand, {{ explode_hours('min(hour_at)', 'max(hour_at)') }} as hour_at
    from counted
    group by brand

),

industry_hours as (

    select c.hour_at, b.industry, sum(c.mentions) as industry_mentions
    from counted as c
    inner join brands as b using (brand)
    group by c.hour_at, b.industry

),
{%- endif %}

-- The same in both branches: the hours to write, with their counts (0 when silent) and their
-- industry's mentions.
filled as (

    select
        h.brand,
        h.hour_at,
        b.industry,
        coalesce(c.mentions, 0) as mentions,
        coalesce(c.positive_mentions, 0) as positive_mentions,
        coalesce(c.neutral_mentions, 0) as neutral_mentions,
        coalesce(c.negative_mentions, 0) as negative_mentions,
        i.industry_mentions
    from hours as h
    left join counted as c using (brand, hour_at)
    left join brands as b using (brand)
    left join industry_hours as i on i.industry = b.industry and i.hour_at = h.hour_at

),

final as (

    select
        brand,
        hour_at,
        mentions,
        positive_mentions,
        neutral_mentions,
        negative_mentions,
        (positive_mentions - negative_mentions) / nullif(positive_mentions + negative_mentions, 0)
            as net_sentiment,
        -- the brand's mentions among those of every configured brand of its industry that hour
        case when industry is not null then mentions / nullif(industry_mentions, 0) end as share_of_voice,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
    from filled

)

select * from final
{%- if incremental %}
union all
-- hours a brand's span no longer covers: tombstones
select t.brand, t.hour_at, null, null, null, null, null, null, null
from {{ this }} as t
left join spans as s using (brand)
where s.brand is null or t.hour_at < s.first_hour or t.hour_at > s.last_hour
{%- endif %}
