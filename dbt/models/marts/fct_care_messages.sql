-- One row per inbound customer message on every care channel: was it answered by the brand it
-- addressed, how fast (calendar and business minutes) and within which SLA. Definitions:
-- docs/metrics.md#customer-care.
{%- set as_of = var('care_as_of', none) %}
with

messages as (

    select * from {{ ref('int_care_messages') }}

),

inbound as (

    select * from messages where not is_brand_message

),

-- The brand a message addresses: the brand whose message it replies to, else the account it
-- was sent to (a Page, a replied-to brand account). A tweet that only @mentions brands belongs
-- to the first brand that answered it, else to the first brand it mentions.
first_any_brand_reply as (

    select source, message_id, arg_min(reply_brand, (reply_at, reply_id)) as brand
    from {{ ref('int_care_replies') }}
    group by all

),

addressed as (

    select
        m.*,
        coalesce(
            case when parent.is_brand_message then parent.author_brand end,
            m.addressed_brand,
            first_any_brand_reply.brand,
            m.mentioned_brand
        ) as brand
    from inbound as m
    left join messages as parent
        on parent.source = m.source and parent.message_id = m.in_reply_to_id
    left join first_any_brand_reply
        on first_any_brand_reply.source = m.source and first_any_brand_reply.message_id = m.message_id

),

-- Replies by the addressed brand. One timestamped before its message is not a response (the
-- clocks disagree): it is ignored and the message flagged.
replies as (

    select
        r.*,
        r.reply_at < a.created_at as is_before_message
    from {{ ref('int_care_replies') }} as r
    inner join addressed as a using (source, message_id)
    where r.reply_brand = a.brand

),

first_response as (

    select
        source,
        message_id,
        arg_min(reply_id, (reply_at, reply_id)) filter (where not is_before_message) as first_response_id,
        min(reply_at) filter (where not is_before_message) as first_response_at,
        arg_min(reply_author_id, (reply_at, reply_id)) filter (where not is_before_message)
            as first_response_by,
        bool_or(is_before_message) as has_reply_before_message
    from replies
    group by all

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
        f.first_response_at is not null as is_responded,
        f.first_response_id,
        f.first_response_at,
        f.first_response_by,
        date_diff('second', a.created_at, f.first_response_at) / 60.0 as first_response_minutes,
        coalesce(f.has_reply_before_message, false) as has_reply_before_message,
        coalesce(e.complaint_type, 'neutral') as complaint_type,
        e.complaint_topic,
        e.sentiment_score,
        e.sentiment_label,
        case
            when a.author_followers >= {{ var('care_high_priority_followers') }} then 'high'
            else 'normal'
        end as priority,
        coalesce(b.calendar_id, 'default') as calendar_id
    from addressed as a
    left join first_response as f using (source, message_id)
    left join enriched as e on e.source = a.source and e.record_id = a.message_id
    left join brands as b on b.brand = a.brand

),

-- The most specific SLA policy wins (fewest wildcards); between equally specific ones, the
-- stricter promise.
policies as (

    select
        j.source,
        j.message_id,
        arg_min(
            cast(p.sla_minutes as integer),
            ((p.channel = '*')::int + (p.complaint_type = '*')::int + (p.priority = '*')::int,
             coalesce(cast(p.sla_minutes as integer), 2147483647))
        ) as sla_minutes
    from judged as j
    inner join {{ ref('sla_policies') }} as p
        on p.channel in (j.channel, '*')
        and p.complaint_type in (j.complaint_type, '*')
        and p.priority in (j.priority, '*')
    group by all

),

as_of as (

    {% if as_of %}
    select cast('{{ as_of }}' as timestamp) as as_of
    {% else %}
    select max(created_at) as as_of from messages
    {% endif %}

),

with_sla as (

    select
        j.*,
        p.sla_minutes,
        as_of.as_of,
        {{ business_seconds_at('j.received_at', 'at_received') }} as received_business_second
    from judged as j
    left join policies as p using (source, message_id)
    cross join as_of
    asof left join {{ ref('int_business_intervals') }} as at_received
        on at_received.calendar_id = j.calendar_id and at_received.opens_at_utc <= j.received_at

),

with_response as (

    select
        w.*,
        {{ business_seconds_at('w.first_response_at', 'at_response') }} - w.received_business_second
            as first_response_business_seconds,
        {{ business_seconds_at('w.as_of', 'at_as_of') }} - w.received_business_second
            as as_of_business_seconds
    from with_sla as w
    asof left join {{ ref('int_business_intervals') }} as at_response
        on at_response.calendar_id = w.calendar_id and at_response.opens_at_utc <= w.first_response_at
    asof left join {{ ref('int_business_intervals') }} as at_as_of
        on at_as_of.calendar_id = w.calendar_id and at_as_of.opens_at_utc <= w.as_of

),

-- The SLA runs out where the business clock reaches received + sla_minutes: inside the last
-- interval whose seconds_before does not pass that mark (a reply at that instant still meets it).
with_breach as (

    select
        w.*,
        breach.opens_at_utc + to_seconds(
            w.received_business_second + w.sla_minutes * 60 - breach.seconds_before
        ) as sla_breach_at
    from with_response as w
    asof left join {{ ref('int_business_intervals') }} as breach
        on breach.calendar_id = w.calendar_id
        and breach.seconds_before <= w.received_business_second + w.sla_minutes * 60

)

select
    w.message_id,
    w.conversation_id,
    w.channel,
    w.brand,
    w.author_id,
    w.received_at,
    w.is_responded,
    w.first_response_id,
    w.first_response_at,
    w.first_response_by,
    w.first_response_minutes,
    case when w.is_responded then w.first_response_business_seconds / 60.0 end
        as first_response_business_minutes,
    w.priority,
    w.calendar_id,
    w.sla_minutes,
    case
        when w.sla_minutes is null then null
        when w.is_responded then w.first_response_business_seconds <= w.sla_minutes * 60
        when w.as_of_business_seconds > w.sla_minutes * 60 then false
    end as is_within_sla,
    w.sla_breach_at,
    not w.is_responded as is_open,
    case when not w.is_responded then w.as_of_business_seconds / 60.0 end as open_business_minutes,
    w.as_of,
    w.complaint_type,
    w.complaint_topic,
    responses.recommended_response,
    w.sentiment_score,
    w.sentiment_label,
    w.has_reply_before_message,
    w.source_system,
    w.source
from with_breach as w
left join {{ ref('complaint_responses') }} as responses using (complaint_type)
