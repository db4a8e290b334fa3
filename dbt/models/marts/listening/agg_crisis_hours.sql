-- Crisis signals per brand and UTC hour (seed 002: bad news travels fast). Two rules, both
-- against the brand's own recent past, so a brand's ordinary daily and weekly rhythm never alerts:
--
-- * negative spike: the mean of the last 24 hours' negative mentions per hour is above the mean
--   of that same 24-hour mean over the week before (the 7 days ending 24 hours earlier, its
--   unusual hours left out) plus k standard deviations of it (var crisis_spike_k), and at least
--   crisis_min_excess_ratio above that mean (noise in a small brand's counts can pass k sigma;
--   a crisis multiplies them). A 24-hour mean has no daily cycle; its week carries the weekly one.
-- * hashtag hijack: in one hour, one of the brand's campaign hashtags (seeds/campaign_hashtags.csv)
--   is carried by at least hijack_min_hashtag_share of the brand's mentions, at least
--   hijack_min_negative of them are negative, and their negative share is at least
--   hijack_min_negative_share. The hashtag's own normal is a few percent of mentions, mostly not
--   negative; a negative spike that is not about the hashtag leaves that share where it was.
--
-- A brand needs crisis_min_baseline_hours of history before it can alert. Each hour also carries
-- its negative mentions by complaint type and its most engaging negative posts, so
-- fct_crisis_episodes never reads fct_mentions. Definitions: docs/metrics.md#crisis-early-warning.
--
-- Incremental (strategy replace_keys on brand, hour_at). An hour's figures depend on the counts of
-- the `reach` hours before it (24-hour mean, its week's median screen, the screened week's mean):
-- a run recomputes, per brand, every hour within `reach` after an hour agg_mentions_hourly wrote
-- since this table's last run (`_built_at`), reading the hourly counts from `reach` hours before
-- the first of them, and the mentions of the rewritten hours only; a brand whose first hour moved
-- is recomputed whole; an hour agg_mentions_hourly no longer has is deleted. The baseline mean
-- and deviation are summed exactly (each 24-hour mean scaled to an integer by the least common
-- multiple of 1..24), so an hour computed in a short run equals the same hour of a full build to
-- the bit. After editing seeds/campaign_hashtags.csv or any crisis_* / hijack_* var, run with
-- --full-refresh.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='replace_keys',
    unique_key=['brand', 'hour_at'],
    deleted_when='mentions is null',
    on_schema_change='fail'
) }}
{%- set k = var('crisis_spike_k') %}
{%- set day = var('crisis_window_hours') %}
{%- set week = var('crisis_baseline_hours') %}
{#- the hours an hour's figures reach back: its 24-hour mean, the week screening it, that week's screens #}
{%- set reach = (day - 1) + 2 * (week + day - 1) %}
{#- lcm(1..day): every 24-hour mean (a sum over 1..day hours) times it is an integer #}
{%- set ns = namespace(lcm=1) %}
{%- for i in range(2, day + 1) %}
    {%- set ns.step = ns.lcm %}
    {%- for _ in range(i) %}
        {%- if ns.lcm % i != 0 %}{% set ns.lcm = ns.lcm + ns.step %}{% endif %}
    {%- endfor %}
{%- endfor %}
{%- set mention_columns -%}
    select
        m.brand, date_trunc('hour', m.mentioned_at)::timestamp as hour_at, m.mention_id, m.platform, m.text,
        m.hashtags, m.sentiment_label, m.complaint_type, m.likes, m.shares, m.replies
    from {{ ref('fct_mentions') }} as m
{%- endset %}
{%- set incremental = is_incremental() %}
{%- set first_hour = none %}
{%- if incremental and execute %}
    {%- set watermark = last_built_at(this) %}
    {%- set first_hour = run_query(
        "select strftime(min(hour_at), '%Y-%m-%d %H:%M:%S') from " ~ ref('agg_mentions_hourly')
        ~ " where _built_at > cast('" ~ watermark ~ "' as timestamp)").columns[0].values()[0] %}
{%- endif %}
with

agg as (

    select brand, hour_at, mentions, negative_mentions, _built_at from {{ ref('agg_mentions_hourly') }}

),

firsts as (

    select brand, min(hour_at) as first_hour from agg group by brand

),

{% if incremental -%}
-- The hours agg_mentions_hourly rewrote since this table's last run, and those it deleted.
changed as (

    select brand, hour_at from agg where _built_at > cast('{{ watermark }}' as timestamp)
    union
    select t.brand, t.hour_at from {{ this }} as t anti join agg using (brand, hour_at)

),

-- Brands whose first hour moved: history_hours changed everywhere.
moved as (

    select f.brand from firsts as f
    left join (select brand, min(hour_at) as first_hour from {{ this }} group by brand) as o using (brand)
    where o.first_hour is distinct from f.first_hour

),

-- The hours to recompute: within `reach` after a changed hour, or every hour of a moved brand.
targets as (

    select distinct a.brand, a.hour_at
    from agg as a
    inner join changed as c
        on c.brand = a.brand and a.hour_at between c.hour_at and c.hour_at + interval {{ reach }} hour
    union
    select a.brand, a.hour_at from agg as a semi join moved using (brand)

),

-- Counts from `reach` hours before each brand's first hour to recompute.
hourly as (

    select a.brand, a.hour_at, a.mentions, a.negative_mentions
    from agg as a
    inner join (select brand, min(hour_at) as first_target from targets group by brand) as t using (brand)
    where a.hour_at >= t.first_target - interval {{ reach }} hour

),

mentions as (

    {{ mention_columns }}
    semi join (select brand, hour_at from agg where _built_at > cast('{{ watermark }}' as timestamp)) as c
        on c.brand = m.brand and c.hour_at = date_trunc('hour', m.mentioned_at)
    {%- if first_hour %}
    where m.mentioned_at >= cast('{{ first_hour }}' as timestamp)
    {%- else %}
    where false
    {%- endif %}

),
{%- else -%}
hourly as (

    select brand, hour_at, mentions, negative_mentions from agg

),

mentions as (

    {{ mention_columns }}
    where m.brand is not null

),
{%- endif %}

tags as (

    select brand, lower(hashtag) as hashtag from {{ ref('campaign_hashtags') }}

),

-- Per hour of the mentions read: those carrying a campaign hashtag of the brand they mention,
-- the negative ones by complaint type, and the most engaging negative ones (likes + shares +
-- replies, ties by id; an episode's top posts are the top of its hours' tops).
tagged as (

    select
        m.brand,
        m.hour_at,
        min(t.hashtag) as hashtag,
        count(*) as tagged_mentions,
        count(*) filter (where m.sentiment_label = 'negative') as tagged_negative_mentions
    from mentions as m
    inner join tags as t on t.brand = m.brand and array_contains(m.hashtags, t.hashtag)
    group by m.brand, m.hour_at

),

negative as (

    select
        brand,
        hour_at,
        mention_id,
        platform,
        text,
        complaint_type,
        coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) as engagement
    from mentions
    where sentiment_label = 'negative'

),

negative_hours as (

    select
        brand,
        hour_at,
        {{ ordered_array_agg(struct_of({'complaint_type': 'complaint_type', 'negative_mentions': 'n'}),
                             ['complaint_type']) }} as negative_by_complaint_type
    from (select brand, hour_at, complaint_type, count(*) as n from negative group by all)
    group by brand, hour_at

),

top_hours as (

    select
        brand,
        hour_at,
        {{ ordered_array_agg(
            struct_of({'mention_id': 'mention_id', 'platform': 'platform', 'engagement': 'engagement', 'text': 'text'}),
            ['engagement desc', 'mention_id'], var('crisis_top_posts')
        ) }} as top_negative_posts
    from negative
    group by brand, hour_at

),

per_hour as (

    select
        coalesce(n.brand, g.brand) as brand,
        coalesce(n.hour_at, g.hour_at) as hour_at,
        g.hashtag,
        g.tagged_mentions,
        g.tagged_negative_mentions,
        n.negative_by_complaint_type,
        p.top_negative_posts
    from negative_hours as n
    full join tagged as g using (brand, hour_at)
    left join top_hours as p using (brand, hour_at)
    {%- if incremental %}
    union all
    -- hours whose mentions did not change: as this table holds them
    select t.brand, t.hour_at, t.hashtag, t.tagged_mentions, t.tagged_negative_mentions,
        t.negative_by_complaint_type, t.top_negative_posts
    from {{ this }} as t
    semi join targets using (brand, hour_at)
    anti join changed using (brand, hour_at)
    {%- endif %}

),

-- The spine of agg_mentions_hourly has every hour of a brand: row frames are hour frames.
rolling as (

    select
        h.*,
        coalesce(g.tagged_mentions, 0) as tagged_mentions,
        coalesce(g.tagged_negative_mentions, 0) as tagged_negative_mentions,
        g.hashtag,
        g.negative_by_complaint_type,
        g.top_negative_posts,
        avg(h.negative_mentions) over (
            partition by h.brand order by h.hour_at rows between {{ day - 1 }} preceding and current row
        ) as negative_24h_mean,
        -- the same mean times lcm(1..{{ day }}): an integer, summed exactly below, in DuckDB's hugeint
        -- or Spark's decimal(38, 0) (both hold 1e38; the largest term, n * sum(x^2) in moments, is
        -- about 8e23 times the squared 24-hour mean: 8e31 at 10^4 negative mentions an hour)
        sum(h.negative_mentions) over (
            partition by h.brand order by h.hour_at rows between {{ day - 1 }} preceding and current row
        )::{{ exact_integer_type() }} * {{ int_div(ns.lcm, 'count(*) over (
            partition by h.brand order by h.hour_at rows between ' ~ (day - 1) ~ ' preceding and current row
        )') }} as scaled_24h_mean,
        {{ units_between('hour', 'f.first_hour', 'h.hour_at') }} as history_hours
    from hourly as h
    inner join firsts as f using (brand)
    left join per_hour as g using (brand, hour_at)

),

-- Each hour's 24-hour mean against the robust normal of its own week before (median and MAD,
-- scaled to a standard deviation): hours far above it are unusual, and the baselines below
-- leave them out, so one crisis does not hide the next for a week.
screened as (

    select
        *,
        coalesce(
            negative_24h_mean > {{ window_median('negative_24h_mean', 'week_before') }}
                + 3 * 1.4826 * {{ window_mad('negative_24h_mean', 'week_before') }},
            false
        ) as is_unusual
    from rolling
    window week_before as (partition by brand order by hour_at
                           rows between {{ week + day - 1 }} preceding and {{ day }} preceding)

),

baselined as (

    select
        *,
        count(*) filter (where not is_unusual) over week_before as baseline_n,
        sum(scaled_24h_mean) filter (where not is_unusual) over week_before as baseline_sum,
        sum(scaled_24h_mean * scaled_24h_mean) filter (where not is_unusual) over week_before
            as baseline_sum_squares
    from screened
    window week_before as (partition by brand order by hour_at
                           rows between {{ week + day - 1 }} preceding and {{ day }} preceding)

),

moments as (

    select
        *,
        -- a double (DuckDB's `/`; Spark's would be a decimal)
        baseline_sum::double / nullif(baseline_n * {{ ns.lcm }}, 0) as baseline_mean,
        -- population standard deviation from the exact sums: sqrt(n * sum(x^2) - sum(x)^2) / n
        coalesce(
            sqrt(greatest(baseline_n * baseline_sum_squares - baseline_sum * baseline_sum, 0)::double)
                / nullif(baseline_n * {{ ns.lcm }}, 0),
            0
        ) as baseline_sd
    from baselined

),

final as (

    select
        brand,
        hour_at,
        mentions,
        negative_mentions,
        negative_24h_mean,
        baseline_mean,
        baseline_sd,
        baseline_mean + {{ k }} * baseline_sd as spike_threshold,
        tagged_mentions,
        tagged_negative_mentions,
        tagged_mentions / nullif(mentions, 0) as hashtag_share,
        tagged_negative_mentions / nullif(tagged_mentions, 0) as tagged_negative_share,
        history_hours >= {{ var('crisis_min_baseline_hours') }}
            and negative_24h_mean > baseline_mean + {{ k }} * baseline_sd
            and negative_24h_mean >= baseline_mean * (1 + {{ var('crisis_min_excess_ratio') }})
            as is_negative_spike,
        tagged_negative_mentions >= {{ var('hijack_min_negative') }}
            and tagged_mentions >= {{ var('hijack_min_hashtag_share') }} * mentions
            and tagged_negative_mentions >= {{ var('hijack_min_negative_share') }} * tagged_mentions
            as is_hashtag_hijack,
        hashtag,
        negative_by_complaint_type,
        top_negative_posts
    from moments
    {%- if incremental %}
    semi join targets using (brand, hour_at)
    {%- endif %}

)

select
    *,
    is_negative_spike or is_hashtag_hijack as is_alert,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
from final
{%- if incremental %}
union all
-- hours agg_mentions_hourly no longer has: tombstones
select t.brand, t.hour_at, {% for _ in range(16) %}null, {% endfor %}null
from {{ this }} as t anti join agg using (brand, hour_at)
{%- endif %}
