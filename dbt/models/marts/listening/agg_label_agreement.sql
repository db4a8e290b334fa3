-- How far the machine's labels can be trusted: per brand, channel and label, of the records an
-- analyst corrected, how many the machine (VADER and the rules, or the model learned from the
-- industry's corrections) had labelled the same. The machine's label is one that did not see the
-- correction (enrichment.texts' machine_* columns: a model's is cross-validated). Shown beside net
-- sentiment on the listening and care pages. Definitions: docs/metrics.md#analyst-corrections.
with

reviewed as (

    select
        source,
        record_id,
        -- the sentiment a correction sets: its label, else the one its complaint type implies,
        -- which enrichment completed into the row's sentiment_label (docs/metrics.md)
        case
            when analyst_sentiment_label is not null or analyst_complaint_type is not null
                then sentiment_label
        end as analyst_sentiment_label,
        analyst_complaint_type,
        analyst_complaint_topic,
        machine_sentiment_label,
        machine_complaint_type,
        machine_complaint_topic
    from {{ source('enrichment', 'texts') }}
    where label_source = 'analyst'

),

mentions as (

    select m.brand, m.platform as channel, 'mentions' as domain, r.*
    from reviewed as r
    inner join {{ ref('fct_mentions') }} as m
        on m.source = r.source
        -- fct_mentions' key: an airline tweet's mention_id is 'x-' || its tweet_id
        and m.mention_id = case
            when r.source = 'airline_sentiment__tweets' then 'x-' || r.record_id else r.record_id
        end

),

care as (

    select c.brand, c.channel, 'care' as domain, r.*
    from reviewed as r
    inner join {{ ref('fct_care_messages') }} as c
        on c.source = r.source and c.message_id = r.record_id

),

labelled as (

    select * from mentions
    union all
    select * from care

),

pairs as (

    select brand, channel, domain, 'sentiment_label' as label,
        analyst_sentiment_label as analyst_label, machine_sentiment_label as machine_label
    from labelled where analyst_sentiment_label is not null
    union all
    select brand, channel, domain, 'complaint_type' as label,
        analyst_complaint_type as analyst_label, machine_complaint_type as machine_label
    from labelled where analyst_complaint_type is not null
    union all
    select brand, channel, domain, 'complaint_topic' as label,
        analyst_complaint_topic as analyst_label, machine_complaint_topic as machine_label
    from labelled where analyst_complaint_topic is not null

)

select
    brand,
    channel,
    domain,
    label,
    analyst_label,
    cast(count(*) as bigint) as reviewed,
    cast(count(case when machine_label = analyst_label then 1 end) as bigint) as agreed
from pairs
group by brand, channel, domain, label, analyst_label
