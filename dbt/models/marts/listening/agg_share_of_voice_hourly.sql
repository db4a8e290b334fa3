-- Share of voice per brand and UTC hour: the brand's mentions beside those of every brand of its
-- industry in seeds/brands.csv (itself and its competitors), so that share of voice is a pooled
-- ratio of two additive columns, sum(mentions) / sum(industry_mentions), over any brand and
-- period (the semantic layer's share_of_voice). Every brand of an industry has a row in every
-- hour in which any brand of that industry has a row in agg_mentions_hourly (0 mentions when it
-- has none there), so a brand's rows carry its industry's whole denominator.
-- Definitions: docs/metrics.md#listening.
--
-- A table, rebuilt whole from agg_mentions_hourly (one row per brand-hour, not per mention).
with

hourly as (

    select brand, hour_at, mentions from {{ ref('agg_mentions_hourly') }}

),

brands as (

    select brand, industry from {{ ref('brands') }}

),

-- The hours in which any brand of the industry has a row, and the industry's mentions in each.
industry_hours as (

    select
        b.industry,
        h.hour_at,
        -- bigint on both engines (DuckDB's sum of bigints is a hugeint)
        cast(sum(h.mentions) as bigint) as industry_mentions
    from hourly as h
    inner join brands as b on b.brand = h.brand
    group by b.industry, h.hour_at

),

-- Every brand of the industry in each of those hours, whether or not it has a row there.
brand_hours as (

    select b.brand, b.industry, i.hour_at, i.industry_mentions
    from brands as b
    inner join industry_hours as i on i.industry = b.industry

),

final as (

    select
        bh.brand,
        bh.industry,
        bh.hour_at,
        coalesce(h.mentions, 0) as mentions,
        bh.industry_mentions
    from brand_hours as bh
    left join hourly as h on h.brand = bh.brand and h.hour_at = bh.hour_at

)

select * from final
