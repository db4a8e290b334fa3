-- One row per customer-care conversation (a thread with at least one inbound customer message):
-- when it opened, how fast the brand first answered, how many exchanges it took, who has the last
-- word, and whether it is resolved (the customer stayed silent for care_resolution_silence_hours
-- after the brand's last reply) or was reopened. Definitions: docs/metrics.md#customer-care.
{%- set silence_seconds = var('care_resolution_silence_hours') * 3600 %}
with

customer_messages as (

    select
        source,
        -- a message without a thread is its own conversation
        coalesce(conversation_id, message_id) as conversation_id,
        message_id,
        channel,
        brand,
        author_id,
        received_at,
        first_response_at
    from {{ ref('fct_care_messages') }}

),

-- One instant for every conversation: the latest build's as_of (an incremental build leaves
-- the rows of answered messages it does not touch with the as_of they were written with).
as_of as (

    select max(as_of) as as_of from {{ ref('fct_care_messages') }}

),

-- The conversation belongs to the brand of its first customer message that has one (a thread's
-- messages almost always share it), and to the customer who opened it.
conversations as (

    select
        source,
        conversation_id,
        min_by(channel, (received_at, message_id)) as channel,
        -- (min_by skips a NULL value on DuckDB, not on Spark: the filters say so for both)
        min_by(brand, (received_at, message_id)) filter (where brand is not null) as brand,
        min_by(author_id, (received_at, message_id)) filter (where author_id is not null) as customer_id,
        min_by(message_id, (received_at, message_id)) as opening_message_id,
        min(received_at) as opened_at,
        -- each message's first response comes from the brand it addressed (fct_care_messages)
        min(first_response_at) as first_response_at,
        count(*) as customer_messages,
        any_value(as_of.as_of) as as_of
    from customer_messages
    cross join as_of
    group by source, conversation_id

),

-- The thread as the customer and the conversation's brand wrote it; another brand's messages
-- in the thread are not part of the exchange.
thread as (

    select
        c.source,
        c.conversation_id,
        m.message_id,
        m.created_at as sent_at,
        m.is_brand_message
    from {{ ref('int_care_messages') }} as m
    inner join conversations as c
        on c.source = m.source and c.conversation_id = coalesce(m.conversation_id, m.message_id)
    where not m.is_brand_message or m.author_brand = c.brand

),

-- Turns in time order; at the same second the customer's message comes first (a reply cannot
-- precede what it answers).
turns as (

    select
        *,
        lag(is_brand_message) over thread_order as previous_is_brand,
        lag(sent_at) over thread_order as previous_sent_at
    from thread
    window thread_order as (
        partition by source, conversation_id
        order by sent_at nulls last, is_brand_message, message_id
    )

),

exchanges as (

    select
        source,
        conversation_id,
        count(*) filter (where is_brand_message) as brand_messages,
        -- a brand message answering a customer turn
        count(*) filter (where is_brand_message and not previous_is_brand) as exchanges,
        -- a customer message after the brand's reply and a silence long enough to resolve it
        count(*) filter (
            where not is_brand_message
                and previous_is_brand
                and {{ seconds_between('previous_sent_at', 'sent_at') }} >= {{ silence_seconds }}
        ) as reopen_count,
        max(sent_at) filter (where not is_brand_message) as last_customer_message_at,
        max(sent_at) filter (where is_brand_message) as last_brand_message_at,
        max_by(is_brand_message, (sent_at, is_brand_message, message_id)) as brand_has_last_word
    from turns
    group by all

),

judged as (

    select
        c.*,
        e.brand_messages,
        e.exchanges,
        e.reopen_count,
        e.last_customer_message_at,
        e.last_brand_message_at,
        e.brand_has_last_word,
        e.brand_has_last_word
            and {{ seconds_between('e.last_brand_message_at', 'c.as_of') }} >= {{ silence_seconds }}
            as is_resolved
    from conversations as c
    inner join exchanges as e using (source, conversation_id)

)

,

final as (

    select
        conversation_id,
        channel,
        brand,
        customer_id,
        opening_message_id,
        opened_at,
        first_response_at is not null as is_responded,
        first_response_at,
        {{ seconds_between('opened_at', 'first_response_at') }} / 60 as first_response_minutes,
        customer_messages,
        brand_messages,
        exchanges,
        last_customer_message_at,
        last_brand_message_at,
        greatest(last_customer_message_at, last_brand_message_at) as last_message_at,
        brand_has_last_word,
        case
            when is_resolved then 'resolved'
            when brand_has_last_word then 'awaiting_customer'
            else 'awaiting_brand'
        end as status,
        is_resolved,
        case when is_resolved then last_brand_message_at end as resolved_at,
        case when is_resolved then {{ seconds_between('opened_at', 'last_brand_message_at') }} / 60 end
            as resolution_minutes,
        reopen_count > 0 as is_reopened,
        reopen_count,
        as_of,
        source
    from judged

)

select * from final
