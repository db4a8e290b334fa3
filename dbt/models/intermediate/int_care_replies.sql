-- A table, not a view: the mart reads it several times (bench/care.py: six inlined evaluations
-- of int_care_messages made the 1M-message build 3x slower).
{{ config(materialized='table') }}
-- Brand messages that answer a customer message, one row per (customer message, brand reply).
-- A reply answers the message it replies to (in-reply-to: X, twcs, Facebook comments). Messenger
-- has no reply links: the Page's next message in the conversation answers each customer
-- message before it.
with

messages as (

    select * from {{ ref('int_care_messages') }}

),

linked as (

    select
        parent.source,
        parent.message_id,
        reply.message_id as reply_id,
        reply.created_at as reply_at,
        reply.author_id as reply_author_id,
        reply.author_brand as reply_brand
    from messages as reply
    inner join messages as parent
        on parent.source = reply.source and parent.message_id = reply.in_reply_to_id
    where reply.is_brand_message and not parent.is_brand_message

),

messenger_pages as (

    select * from messages where channel = 'facebook_messenger' and is_brand_message

),

messenger as (

    select
        customer.source,
        customer.message_id,
        page.message_id as reply_id,
        page.created_at as reply_at,
        page.author_id as reply_author_id,
        page.author_brand as reply_brand
    from messages as customer
    asof inner join messenger_pages as page
        on page.conversation_id = customer.conversation_id and page.created_at >= customer.created_at
    where customer.channel = 'facebook_messenger' and not customer.is_brand_message

)

select * from linked
union all
select * from messenger
