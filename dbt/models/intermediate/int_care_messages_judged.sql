-- One row per inbound customer message on every care channel: was it answered by the brand it
-- addressed, how fast (calendar and business minutes), against which SLA, judged once and
-- stored. What moves with as_of (whether an open message's SLA has run out by then, how long it
-- has waited) is not stored: fct_care_messages adds it to these rows at every read, so a build
-- re-judges only what changed. Definitions: docs/metrics.md#customer-care.
--
-- Incremental (delete+insert on source, message_id): a run re-judges the messages whose rows in
-- int_care_messages or int_care_replies were (re)written since this table's last run
-- (`_built_at`), the messages replying to a brand message rewritten since, and those whose
-- enrichment changed. Seeds, vars and the calendars are read as they are: after changing them,
-- run with --full-refresh.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['source', 'message_id'],
    on_schema_change='fail',
    pre_hook="SET preserve_insertion_order = false",
    post_hook="RESET preserve_insertion_order"
) }}
{%- set built_at = run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") %}
with

-- Not materialized: each use reads only its columns, and `changed` only the row groups written
-- since the watermark (zone maps on _built_at).
messages as {{ cte_hint('not materialized') }} (

    select * from {{ ref('int_care_messages') }}

),

{% if is_incremental() -%}
watermark as (

    select coalesce(max(_built_at), '-infinity'::timestamp) as built_at from {{ this }}

),

changed as (

    select * from messages where _built_at > (select built_at from watermark)

),

touched as (

    select source, message_id from changed where not is_brand_message
    union
    select source, message_id from {{ ref('int_care_replies') }}
    where _built_at > (select built_at from watermark)
    union
    -- the brand of a message replying to a brand message comes from it
    select m.source, m.message_id
    from messages as m
    inner join changed as parent on parent.source = m.source and parent.message_id = m.in_reply_to_id
    where parent.is_brand_message and not m.is_brand_message
    union
    select source, record_id from {{ source('enrichment', 'texts') }}
    where enriched_at > (select built_at from watermark)

),

inbound as (

    select m.* from messages as m semi join touched using (source, message_id)
    where not m.is_brand_message

),
{%- else -%}
inbound as (

    select * from messages where not is_brand_message

),
{%- endif %}

-- The brand a message addresses: the brand whose message it replies to, else the account it
-- was sent to (a Page, a replied-to brand account). A tweet that only @mentions brands belongs
-- to the first brand that answered it, else to the first brand it mentions.
parent_brand as (

    select p.source, p.message_id, p.author_brand
    from messages as p
    semi join (select source, in_reply_to_id as message_id from inbound) using (source, message_id)
    where p.is_brand_message

),

known as (

    select
        m.*,
        coalesce(parent_brand.author_brand, m.addressed_brand) as known_brand
    from inbound as m
    left join parent_brand
        on parent_brand.source = m.source and parent_brand.message_id = m.in_reply_to_id

),

-- One pass over the replies of each message: the first reply of any brand (whom a tweet that
-- only mentions brands addresses) and, when the brand is known, that brand's first reply not
-- timestamped before the message (one before it is not a response: the clocks disagree).
reply_summary as (

    select
        r.source,
        r.message_id,
        min_by(
            {{ struct_of({'brand': 'r.reply_brand', 'id': 'r.reply_id', 'at': 'r.reply_at', 'by': 'r.reply_author_id'}) }},
            (r.reply_at, r.reply_id)
        ) as first_any,
        min_by(
            {{ struct_of({'id': 'r.reply_id', 'at': 'r.reply_at', 'by': 'r.reply_author_id'}) }},
            (r.reply_at, r.reply_id)
        ) filter (where r.reply_brand = k.known_brand and r.reply_at >= k.created_at) as known_first,
        coalesce(bool_or(r.reply_at < k.created_at) filter (where r.reply_brand = k.known_brand), false)
            as known_before
    from {{ ref('int_care_replies') }} as r
    inner join known as k using (source, message_id)
    group by r.source, r.message_id

),

addressed as (

    select
        k.*,
        coalesce(k.known_brand, s.first_any.brand, k.mentioned_brand) as brand,
        s.first_any,
        s.known_first,
        s.known_before
    from known as k
    left join reply_summary as s using (source, message_id)

),

-- The brand's first reply is the first reply of any brand when the brand was taken from it,
-- unless that one is stamped before the message (rare): then the brand's first later reply.
late_first as (

    select
        r.source,
        r.message_id,
        min_by(
            {{ struct_of({'id': 'r.reply_id', 'at': 'r.reply_at', 'by': 'r.reply_author_id'}) }},
            (r.reply_at, r.reply_id)
        ) filter (where r.reply_at >= a.created_at) as first_ok
    from {{ ref('int_care_replies') }} as r
    inner join addressed as a using (source, message_id)
    where a.known_brand is null and a.first_any.at < a.created_at and r.reply_brand = a.brand
    group by r.source, r.message_id

),

first_response as (

    select
        a.* except (first_any, known_first, known_before),
        case
            when a.known_brand is not null then a.known_first
            when a.first_any.at >= a.created_at then
                {{ struct_of({'id': 'a.first_any.id', 'at': 'a.first_any.at', 'by': 'a.first_any.by'}) }}
            else l.first_ok
        end as fr,
        case
            when a.known_brand is not null then coalesce(a.known_before, false)
            else coalesce(a.first_any.at < a.created_at, false)
        end as has_reply_before_message
    from addressed as a
    left join late_first as l using (source, message_id)

),

enriched as (

    select * from {{ source('enrichment', 'texts') }}

),

brands as (

    select brand, industry, calendar_id from {{ ref('brands') }}

),

judged as (

    select
        a.message_id,
        a.source,
        a.source_system,
        a.conversation_id,
        a.channel,
        a.brand,
        a.author_id,
        a.author_followers,
        a.created_at as received_at,
        a.fr.at is not null as is_responded,
        a.fr.id as first_response_id,
        a.fr.at as first_response_at,
        a.fr.by as first_response_by,
        {{ seconds_between('a.created_at', 'a.fr.at') }} / 60 as first_response_minutes,
        a.has_reply_before_message,
        coalesce(e.complaint_type, 'neutral') as complaint_type,
        e.complaint_topic,
        e.sentiment_score,
        e.sentiment_label,
        e.label_source,
        case
            when a.author_followers >= {{ var('care_high_priority_followers') }} then 'high'
            else 'normal'
        end as priority,
        coalesce(b.calendar_id, 'default') as calendar_id
    from first_response as a
    left join enriched as e on e.source = a.source and e.record_id = a.message_id
    left join brands as b on b.brand = a.brand

),

-- Of the SLA policies matching a message, the one of lowest precedence wins (the seed's order,
-- after the playbook: evaluate, then respond; docs/metrics.md#customer-care). Resolved once per
-- (channel, complaint type, priority), then joined.
policies as (

    select
        j.channel,
        j.complaint_type,
        j.priority,
        -- A policy without a target (`troll`: no response expected) wins as any other does, so
        -- its messages get none. min_by skips a NULL value on DuckDB (not on Spark): the
        -- winner's target travels as -1 and comes back NULL.
        nullif(min_by(coalesce(cast(p.sla_minutes as integer), -1), p.precedence), -1) as sla_minutes
    from (select distinct channel, complaint_type, priority from judged) as j
    inner join {{ ref('sla_policies') }} as p
        on p.channel in (j.channel, '*')
        and p.complaint_type in (j.complaint_type, '*')
        and p.priority in (j.priority, '*')
    group by all

),

intervals as {{ cte_hint('materialized') }} (

    select * from {{ ref('int_business_intervals') }}

),

bucketing as {{ cte_hint('materialized') }} (

    {{ business_bucketing('intervals') }}

),

-- The intervals by hour (time) and by business hour (the inverse): equi-joins instead of ASOF
-- joins, the same closed form (macros in business_minutes.sql), on both engines.
time_buckets as {{ cte_hint('materialized') }} (

    {{ business_buckets('intervals', 'time') }}

),

business_buckets as {{ cte_hint('materialized') }} (

    {{ business_buckets('intervals', 'business') }}

),

with_sla as (

    select
        j.*,
        p.sla_minutes,
        {{ business_seconds_from_bucket('j.received_at', 'at_received') }} as received_business_second
    from (
        select
            judged.*,
            {{ business_bucket_of(epoch_seconds('received_at'), 'time') }} as received_bucket,
            {{ business_bucket_of(epoch_seconds('first_response_at'), 'time') }} as response_bucket
        from judged
        cross join bucketing
    ) as j
    left join policies as p using (channel, complaint_type, priority)
    left join time_buckets as at_received
        on at_received.calendar_id = j.calendar_id and at_received.bucket = j.received_bucket

),

with_response as (

    select
        w.*,
        {{ business_seconds_from_bucket('w.first_response_at', 'at_response') }} - w.received_business_second
            as first_response_business_seconds
    from with_sla as w
    left join time_buckets as at_response
        on at_response.calendar_id = w.calendar_id and at_response.bucket = w.response_bucket

),

-- The SLA runs out where the business clock reaches received + sla_minutes: inside the last
-- interval whose seconds_before does not pass that mark (a reply at that instant still meets it).
with_breach as (

    select
        w.*,
        case
            when breach.n_seconds_before <= w.received_business_second + w.sla_minutes * 60
                then breach.n_opens_at_utc
                    + (w.received_business_second + w.sla_minutes * 60 - breach.n_seconds_before)
                    * interval 1 second
            else breach.p_opens_at_utc
                + (w.received_business_second + w.sla_minutes * 60 - breach.p_seconds_before)
                * interval 1 second
        end as sla_breach_at
    from (
        select
            with_response.*,
            {{ business_bucket_of('received_business_second + sla_minutes * 60', 'business') }}
                as breach_bucket
        from with_response
        cross join bucketing
    ) as w
    left join business_buckets as breach
        on breach.calendar_id = w.calendar_id and breach.bucket = w.breach_bucket

)

select
    w.message_id,
    w.conversation_id,
    w.channel,
    w.brand,
    {{ pseudonymize('w.author_id') }} as author_id,  -- a customer: docs/metrics.md#pseudonyms
    w.received_at,
    w.is_responded,
    w.first_response_id,
    w.first_response_at,
    w.first_response_by,
    w.first_response_minutes,
    case when w.is_responded then w.first_response_business_seconds / 60 end
        as first_response_business_minutes,
    w.priority,
    w.calendar_id,
    w.sla_minutes,
    -- open messages: decided at as_of, by fct_care_messages
    case when w.is_responded then w.first_response_business_seconds <= w.sla_minutes * 60 end
        as is_within_sla,
    w.sla_breach_at,
    not w.is_responded as is_open,
    -- the business clock at receipt: an open message has waited (as_of's clock - this)
    w.received_business_second,
    w.complaint_type,
    w.complaint_topic,
    responses.recommended_response,
    w.sentiment_score,
    w.sentiment_label,
    w.label_source,
    w.has_reply_before_message,
    w.source_system,
    w.source,
    cast('{{ built_at }}' as timestamp) as _built_at
from with_breach as w
left join {{ ref('complaint_responses') }} as responses using (complaint_type)

