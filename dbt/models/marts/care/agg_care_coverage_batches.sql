-- Thread coverage per landing batch: of the brand replies that landed in each batch (the latest
-- landing of each message), how many answer a message that is not in the data (an orphan reply).
-- A sampled export (Kaggle's random twcs sample) or a fetch that began after the customer wrote
-- leaves replies without their parent: the customer message they answer is never counted, so
-- the brand's response rate falls for reasons that are not the brand's. agg_care_coverage sums
-- these per brand and says when a brand's threads are incomplete. Definitions:
-- docs/metrics.md#thread-coverage.
--
-- A table, rebuilt whole: a parent that lands later turns an orphan of any earlier batch back
-- into a reply, so every batch's count can change with any landing.
with

brand_replies as (

    -- Messenger has no reply links: its brand messages name no parent, and are not counted here
    select source, channel, author_brand as brand, message_id, in_reply_to_id, _loaded_at
    from {{ ref('int_care_messages') }}
    where is_brand_message and in_reply_to_id is not null

),

judged as (

    select
        r.source,
        r.channel,
        r.brand,
        r._loaded_at,
        parent.message_id is null as is_orphan
    from brand_replies as r
    left join {{ ref('int_care_messages') }} as parent
        on parent.source = r.source and parent.message_id = r.in_reply_to_id

),

-- a batch's rows carry its start as _loaded_at (groundswell.lake)
batches as (

    select target_table, started_at, batch_id
    from {{ source('lake', 'load_audit') }}

),

final as (

    select
        j.source,
        -- lineage: the batch (as staging names it), and when it landed
        b.batch_id as _batch_id,
        j._loaded_at,
        j.brand,
        j.channel,
        count(*) as brand_replies,
        count(*) filter (where j.is_orphan) as orphan_replies
    from judged as j
    left join batches as b on b.target_table = 'raw.' || j.source and b.started_at = j._loaded_at
    group by j.source, b.batch_id, j._loaded_at, j.brand, j.channel

)

select * from final
