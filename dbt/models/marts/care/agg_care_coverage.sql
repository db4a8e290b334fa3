-- Thread coverage per brand and channel: of the brand's replies in the data, how many answer a
-- message that is not in it, and whether that is most of them (threads_incomplete). When it is,
-- the brand's response rate and SLA figures describe a sample of broken threads, not its care:
-- the care page and Data health say so. Definitions: docs/metrics.md#thread-coverage.
with

batches as (

    select brand, channel, brand_replies, orphan_replies
    from {{ ref('agg_care_coverage_batches') }}

),

summed as (

    select
        brand,
        channel,
        -- bigint on both engines (DuckDB's sum of bigints is a hugeint)
        cast(sum(brand_replies) as bigint) as brand_replies,
        cast(sum(orphan_replies) as bigint) as orphan_replies
    from batches
    group by brand, channel

),

final as (

    select
        brand,
        channel,
        brand_replies,
        orphan_replies,
        orphan_replies / brand_replies as orphan_reply_share,
        orphan_replies > brand_replies * {{ var('care_threads_incomplete_share') }} as threads_incomplete
    from summed

)

select * from final
