-- Mentions per brand and UTC hour: volume, sentiment mix, net sentiment and share of voice
-- within the brand's industry (its competitors in seeds/brands.csv). Every hour from the brand's
-- first mention to its last is a row, the silent ones with zeros: the crisis baseline needs them.
-- Definitions: docs/metrics.md#listening.
with

mentions as (

    select brand, date_trunc('hour', mentioned_at) as hour_at, sentiment_label, complaint_type
    from {{ ref('fct_mentions') }}
    where brand is not null

),

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

hours as (

    select brand, unnest(generate_series(min(hour_at), max(hour_at), interval 1 hour)) as hour_at
    from counted
    group by brand

),

brands as (

    select brand, industry from {{ ref('brands') }}

),

filled as (

    select
        h.brand,
        h.hour_at,
        b.industry,
        coalesce(c.mentions, 0) as mentions,
        coalesce(c.positive_mentions, 0) as positive_mentions,
        coalesce(c.neutral_mentions, 0) as neutral_mentions,
        coalesce(c.negative_mentions, 0) as negative_mentions
    from hours as h
    left join counted as c using (brand, hour_at)
    left join brands as b using (brand)

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
        case when industry is not null then
            mentions / nullif(sum(mentions) over (partition by industry, hour_at), 0)
        end as share_of_voice
    from filled

)

select * from final
