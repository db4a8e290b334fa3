-- Brand messages that answer a customer message, one row per (customer message, brand reply).
-- A reply answers the message it replies to (in-reply-to: X, twcs, Facebook comments). Messenger
-- has no reply links: the Page's next message in the conversation answers each customer
-- message before it.
--
-- Incremental (delete+insert on the customer message): a run recomputes every reply of the
-- customer messages that int_care_messages (re)wrote since this model's last run (`_built_at`),
-- of the parents of the brand messages it (re)wrote, and, on Messenger, of every customer
-- message of a conversation it touched.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['source', 'message_id'],
    on_schema_change='fail',
    pre_hook="SET preserve_insertion_order = false",
    post_hook="RESET preserve_insertion_order"
) }}
with

-- Not materialized: `changed` reads only the row groups written since the last run.
messages as {{ cte_hint('not materialized') }} (

    select * from {{ ref('int_care_messages') }}

),

{% if is_incremental() -%}
changed as (

    select * from messages
    where _built_at > (select coalesce(max(_built_at), '-infinity'::timestamp) from {{ this }})

),

-- The customer messages whose replies are recomputed.
touched as (

    select source, message_id from changed where not is_brand_message
    union
    select source, in_reply_to_id from changed where is_brand_message and in_reply_to_id is not null
    union
    -- a brand message re-landed with another parent: its former parent too
    select r.source, r.message_id
    from {{ this }} as r
    inner join changed as c on c.source = r.source and c.message_id = r.reply_id
    union
    select m.source, m.message_id
    from messages as m
    inner join (
        select distinct source, conversation_id from changed where channel = 'facebook_messenger'
    ) as conversations using (source, conversation_id)
    where not m.is_brand_message

),

parents as (

    select m.*
    from messages as m
    semi join touched using (source, message_id)
    where not m.is_brand_message

),
{%- else -%}
parents as (

    select * from messages where not is_brand_message

),
{%- endif %}

linked as (

    select
        parent.source,
        parent.message_id,
        reply.message_id as reply_id,
        reply.created_at as reply_at,
        reply.author_id as reply_author_id,
        reply.author_brand as reply_brand
    from messages as reply
    inner join parents as parent
        on parent.source = reply.source and parent.message_id = reply.in_reply_to_id
    where reply.is_brand_message

),

messenger_pages as (

    select * from messages where channel = 'facebook_messenger' and is_brand_message

),

messenger_customers as (

    select * from parents where channel = 'facebook_messenger'

),

-- the Page's first message at or after each customer message: an ASOF join (its Spark
-- equivalent: macro next_page_reply)
messenger as (

    {{ next_page_reply('messenger_customers', 'messenger_pages') }}

)

select *, cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
from (
    select * from linked
    union all
    select * from messenger
)
