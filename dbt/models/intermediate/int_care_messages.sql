-- A table, not a view: the mart reads it several times (bench/care.py: six inlined evaluations
-- of int_care_messages made the 1M-message build 3x slower).
{{ config(materialized='table') }}
-- Every message of a customer-care conversation, the customer's and the brand's, on every
-- channel, in one shape. A brand message is one written by a brand account (registered in
-- seeds/brand_accounts.csv; in the twcs import, any tweet not flagged inbound).
with

accounts as (

    select platform, account_id, lower(account_handle) as handle, brand
    from {{ ref('brand_accounts') }}

),

-- X handles that speak for a brand: registered accounts, and the support accounts of the
-- twcs import (their author_id is the screen name, e.g. AppleSupport: the brand is the
-- registered brand of that handle, else the handle itself).
x_brand_handles as (

    select handle, brand from accounts where platform = 'x'
    union
    select lower(t.author_id) as handle, coalesce(a.brand, t.author_id) as brand
    from {{ ref('stg_customer_support__tweets') }} as t
    left join accounts as a on a.platform = 'x' and a.handle = lower(t.author_id)
    where not t.is_inbound

),

x_api as (

    select
        'x' as channel,
        'api' as source_system,
        'x__tweets' as source,
        t.tweet_id as message_id,
        t.conversation_id,
        t.author_id,
        t.author_followers_count as author_followers,
        a.brand is not null as is_brand_message,
        a.brand as author_brand,
        t.replied_to_tweet_id as in_reply_to_id,
        -- the account a customer tweet replies to, when it is a brand's
        replied_account.brand as addressed_brand,
        t.created_at,
        t.text
    from {{ ref('stg_x__tweets') }} as t
    left join accounts as a on a.platform = 'x' and a.account_id = t.author_id
    left join accounts as replied_account
        on replied_account.platform = 'x' and replied_account.account_id = t.in_reply_to_user_id
    where not t.is_retweet

),

customer_support as (

    select * from {{ ref('stg_customer_support__tweets') }}

),

-- twcs has no conversation id: a thread is every tweet reachable from a root, a tweet whose
-- parent is not in the data. UNION (not UNION ALL) ends even on a cycle in bad data.
customer_support_threads as (

    with recursive threads (tweet_id, conversation_id) as (
        select c.tweet_id, c.tweet_id
        from customer_support as c
        where c.in_response_to_tweet_id is null
            or c.in_response_to_tweet_id not in (select tweet_id from customer_support)
        union
        select child.tweet_id, threads.conversation_id
        from customer_support as child
        inner join threads on child.in_response_to_tweet_id = threads.tweet_id
    )
    select tweet_id, min(conversation_id) as conversation_id from threads group by tweet_id

),

x_import as (

    select
        'x' as channel,
        'customer_support' as source_system,
        'customer_support__tweets' as source,
        t.tweet_id as message_id,
        threads.conversation_id,
        t.author_id,
        null::bigint as author_followers,
        not t.is_inbound as is_brand_message,
        case when not t.is_inbound then handles.brand end as author_brand,
        t.in_response_to_tweet_id as in_reply_to_id,
        null::varchar as addressed_brand,
        t.created_at,
        t.text
    from customer_support as t
    left join customer_support_threads as threads using (tweet_id)
    left join x_brand_handles as handles on handles.handle = lower(t.author_id)

),

facebook_comments as (

    select
        'facebook_comment' as channel,
        'api' as source_system,
        'facebook__comments' as source,
        c.comment_id as message_id,
        -- comments nest one level: a thread is a top-level comment and its replies
        coalesce(c.parent_comment_id, c.comment_id) as conversation_id,
        c.from_id as author_id,
        null::bigint as author_followers,
        a.brand is not null as is_brand_message,
        a.brand as author_brand,
        c.parent_comment_id as in_reply_to_id,
        -- a comment on a Page's post speaks to that Page
        page.brand as addressed_brand,
        c.created_at,
        c.text
    from {{ ref('stg_facebook__comments') }} as c
    left join accounts as a on a.platform = 'facebook' and a.account_id = c.from_id
    left join accounts as page on page.platform = 'facebook' and page.account_id = c.page_id

),

facebook_messages as (

    select
        'facebook_messenger' as channel,
        'api' as source_system,
        'facebook__messages' as source,
        m.message_id,
        m.conversation_id,
        m.from_id as author_id,
        null::bigint as author_followers,
        a.brand is not null as is_brand_message,
        a.brand as author_brand,
        -- Messenger has no reply links: int_care_replies pairs a message with the Page's next one
        null::varchar as in_reply_to_id,
        page.brand as addressed_brand,
        m.created_at,
        m.text
    from {{ ref('stg_facebook__messages') }} as m
    left join accounts as a on a.platform = 'facebook' and a.account_id = m.from_id
    left join accounts as page on page.platform = 'facebook' and page.account_id = m.to_id

),

unioned as (

    select * from x_api
    union all
    select * from x_import
    union all
    select * from facebook_comments
    union all
    select * from facebook_messages

),

-- The first @handle of a customer's text that belongs to a brand: whom the message addresses
-- when nothing else says so (a new tweet to @AppleSupport).
first_mentioned_brand as (

    select u.channel, u.message_id, arg_min(h.brand, m.position) as brand
    from unioned as u,
        unnest(regexp_extract_all(lower(u.text), '@(\w+)', 1)) with ordinality as m(handle, position)
    inner join x_brand_handles as h on h.handle = m.handle
    where u.channel = 'x' and not u.is_brand_message
    group by all

)

select
    u.*,
    mentioned.brand as mentioned_brand
from unioned as u
left join first_mentioned_brand as mentioned using (channel, message_id)
