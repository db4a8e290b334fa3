-- One row per distinct mention of a brand or a competitor, wherever it was heard: the listening
-- tool's export (which covers X: customers' tweets to a brand's account are in it too) and the
-- public airline sentiment tweets (with their human labels). Sentiment and complaint type come
-- from enrichment (VADER and seed 004's rules), the same scoring as customer care. Not built
-- from the care marts, so the hourly listening run stays light. Definitions:
-- docs/metrics.md#listening.
with

enriched as (

    select source, record_id, sentiment_score, sentiment_label, complaint_type, complaint_topic
    from {{ source('enrichment', 'texts') }}

),

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
        null::varchar as human_sentiment,
        'listening__mentions' as source,
        mention_id as record_id,
        1 as source_rank
    from {{ ref('stg_listening__mentions') }}

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
        regexp_extract_all(lower(text), '#(\w+)', 1) as hashtags,
        text,
        null::bigint as likes,
        retweet_count as shares,
        null::bigint as replies,
        null::varchar as tool_sentiment,
        human_sentiment,
        'airline_sentiment__tweets' as source,
        tweet_id as record_id,
        2 as source_rank
    from {{ ref('stg_airline_sentiment__tweets') }}

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
        * exclude (human_sentiment, source_rank),
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
        m.author_id,
        m.author_handle,
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
        m.human_sentiment,
        m.tool_sentiment,
        m.source
    from distinct_mentions as m
    left join enriched as e on e.source = m.source and e.record_id = m.record_id

)

select * from final
