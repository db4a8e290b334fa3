-- Every message of a customer-care conversation, the customer's and the brand's, on every
-- channel, in one shape. A brand message is one written by a brand account (registered in
-- seeds/brand_accounts.csv; in the twcs import, any tweet not flagged inbound).
--
-- Incremental (delete+insert on source, message_id). A run reads only the staging rows whose
-- latest landing is after the latest `_loaded_at` already here (per source; landings of a table
-- commit in `_loaded_at` order, so none lands later with an earlier stamp), plus the twcs tweets
-- whose thread the new rows change (replies that landed before their parent). `_built_at` is the start of the dbt run that
-- wrote the row: int_care_replies and int_care_messages_judged pick up the rows written since their own
-- last run. A new twcs support handle (it changes which @mentions are brands) rebuilds every row.
-- Seeds (brand_accounts) are read as they are: after editing them, run with --full-refresh.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['source', 'message_id'],
    on_schema_change='fail',
    pre_hook="SET preserve_insertion_order = false",
    post_hook="RESET preserve_insertion_order"
) }}
{%- set cs_source = 'customer_support__tweets' %}
{%- set incremental = is_incremental() %}
{%- set watermarks = {} %}
{%- if incremental and execute %}
    {%- for row in run_query("select source, strftime(max(_loaded_at), '%Y-%m-%d %H:%M:%S.%f') from "
                             ~ this ~ " group by source") %}
        {%- do watermarks.update({row[0]: row[1]}) %}
    {%- endfor %}
    {%- if watermarks.get(cs_source) %}
        {#- A twcs support handle not seen before: every @mention must be looked up again. -#}
        {%- set new_handles = run_query(
            "select count(*) from (select distinct lower(author_id) as handle from "
            ~ ref('stg_customer_support__tweets')
            ~ " where not is_inbound and _loaded_at > cast('" ~ watermarks[cs_source] ~ "' as timestamp)"
            ~ " except select lower(author_id) from " ~ this
            ~ " where source = '" ~ cs_source ~ "' and is_brand_message)"
        ).columns[0].values()[0] %}
        {%- if new_handles > 0 %}
            {%- set incremental = false %}
        {%- endif %}
    {%- endif %}
{%- endif %}
with

accounts as (

    select platform, account_id, lower(account_handle) as handle, brand
    from {{ ref('brand_accounts') }}

),

-- The twcs tweets to (re)build: all of them, or those landed since the watermark.
customer_support as (

    {{ landed_since(ref('stg_customer_support__tweets'), watermarks.get(cs_source) if incremental) }}

),

-- X handles that speak for a brand: registered accounts, and the support accounts of the
-- twcs import (their author_id is the screen name, e.g. AppleSupport: the brand is the
-- registered brand of that handle, else the handle itself).
x_brand_handles as (

    select handle, brand from accounts where platform = 'x'
    union
    select lower(t.author_id) as handle, coalesce(a.brand, t.author_id) as brand
    from customer_support as t
    left join accounts as a on a.platform = 'x' and a.handle = lower(t.author_id)
    where not t.is_inbound
    {%- if incremental %}
    union
    select lower(author_id) as handle, author_brand as brand
    from {{ this }}
    where source = '{{ cs_source }}' and is_brand_message
    {%- endif %}

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
        t.text,
        t._loaded_at
    from ({{ landed_since(ref('stg_x__tweets'), watermarks.get('x__tweets') if incremental) }}) as t
    left join accounts as a on a.platform = 'x' and a.account_id = t.author_id
    left join accounts as replied_account
        on replied_account.platform = 'x' and replied_account.account_id = t.in_reply_to_user_id
    where not t.is_retweet

),

-- twcs has no conversation id: a thread is every tweet reachable from a root, a tweet whose
-- parent is not in the data. The graph: the tweets being built and, incrementally, those
-- already here.
cs_graph as (

    select tweet_id, in_response_to_tweet_id from customer_support
    {%- if incremental %}
    union all
    select message_id, in_reply_to_id
    from {{ this }} as existing
    where existing.source = '{{ cs_source }}'
        and not exists (select 1 from customer_support as c where c.tweet_id = existing.message_id)
    {%- endif %}

),

-- The tweets whose conversation is (re)computed: in full, all; incrementally, the new tweets and
-- every tweet below them (a reply that landed before its parent moves to the parent's thread).
-- UNION, not UNION ALL: ends on a reply cycle.
cs_affected as (

    {% if incremental -%}
    with recursive affected (tweet_id) as (
        select tweet_id from customer_support
        union
        select g.tweet_id
        from cs_graph as g
        inner join affected on g.in_response_to_tweet_id = affected.tweet_id
    )
    select g.tweet_id, g.in_response_to_tweet_id
    from cs_graph as g
    semi join affected using (tweet_id)
    {%- else -%}
    select tweet_id, in_response_to_tweet_id from cs_graph
    {%- endif %}

),

-- Top down from each affected tweet whose parent is not affected: a root (parent missing: its
-- own conversation) or, incrementally, the child of a tweet already here (its conversation).
-- Each tweet has one parent, so UNION ALL visits it once; a tweet in a reply cycle (or below
-- one) is reachable from no root and keeps a NULL conversation_id, as before.
customer_support_threads as (

    -- (a reply chain is rarely 1000 deep; Spark's default limit is 100 steps)
    with recursive threads (tweet_id, conversation_id) {{ recursion_limit(10000) }} as (
        select a.tweet_id,
            {% if incremental -%}
            case when parent.message_id is null then a.tweet_id else parent.conversation_id end
            {%- else -%}
            a.tweet_id
            {%- endif %}
        from cs_affected as a
        {%- if incremental %}
        left join {{ this }} as parent
            on parent.source = '{{ cs_source }}' and parent.message_id = a.in_response_to_tweet_id
        {%- endif %}
        where a.in_response_to_tweet_id is null
            or not exists (
                select 1 from cs_affected as p where p.tweet_id = a.in_response_to_tweet_id
            )
        union all
        select child.tweet_id, threads.conversation_id
        from cs_affected as child
        inner join threads on child.in_response_to_tweet_id = threads.tweet_id
    )
    select * from threads

),

x_import as (

    select
        'x' as channel,
        'customer_support' as source_system,
        '{{ cs_source }}' as source,
        t.tweet_id as message_id,
        threads.conversation_id,
        t.author_id,
        null::bigint as author_followers,
        not t.is_inbound as is_brand_message,
        case when not t.is_inbound then coalesce(a.brand, t.author_id) end as author_brand,
        t.in_response_to_tweet_id as in_reply_to_id,
        null::string as addressed_brand,
        t.created_at,
        t.text,
        t._loaded_at
    from customer_support as t
    left join customer_support_threads as threads using (tweet_id)
    left join accounts as a on a.platform = 'x' and a.handle = lower(t.author_id)

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
        c.text,
        c._loaded_at
    from ({{ landed_since(ref('stg_facebook__comments'), watermarks.get('facebook__comments') if incremental) }}) as c
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
        null::string as in_reply_to_id,
        page.brand as addressed_brand,
        m.created_at,
        m.text,
        m._loaded_at
    from ({{ landed_since(ref('stg_facebook__messages'), watermarks.get('facebook__messages') if incremental) }}) as m
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

-- The first @handle of a customer's tweet that belongs to a brand: whom the message addresses
-- when nothing else says so (a new tweet to @AppleSupport). Only the text's first @handle
-- is extracted for every tweet; the full list only where the first is not a brand.
brand_handle as (

    select handle, min(brand) as brand from x_brand_handles group by handle

),

mention_candidates as (

    select
        source,
        message_id,
        lower(text) as text,
        -- [0-9A-Za-z_]: \w in RE2 (DuckDB) and Java (Spark), without Spark's escape of '\'
        regexp_extract(lower(text), '@([0-9A-Za-z_]+)', 1) as first_handle
    from unioned
    where channel = 'x' and not is_brand_message and contains(text, '@')

),

first_mentioned_brand as (

    select c.source, c.message_id, h.brand
    from mention_candidates as c
    inner join brand_handle as h on h.handle = c.first_handle
    union all
    -- unnest in the select list, not a lateral join (DuckDB would group by every distinct text);
    -- a handle's position is its first one (a repeated handle has one brand); min_by skips a NULL
    -- brand on DuckDB, not on Spark: the filter says so for both
    select source, message_id, min_by(h.brand, position) filter (where h.brand is not null) as brand
    from (
        select source, message_id, handle, array_position(handles, handle) as position
        from (
            select source, message_id, handles, {{ unnest_array('handles') }} as handle
            from (
                select c.source, c.message_id, regexp_extract_all(c.text, '@([0-9A-Za-z_]+)', 1) as handles
                from mention_candidates as c
                anti join brand_handle as h on h.handle = c.first_handle
            ) as extracted
        ) as unnested
    ) as m
    inner join brand_handle as h using (handle)
    group by all

),

new_rows as (

    select
        u.* except (text, _loaded_at),
        mentioned.brand as mentioned_brand,
        u._loaded_at
    from unioned as u
    left join first_mentioned_brand as mentioned using (source, message_id)

)

select *, cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
from new_rows
{%- if incremental %}
union all
-- twcs tweets already here whose thread changed: the same row, the new conversation
select
    existing.* exclude (_built_at) replace (threads.conversation_id as conversation_id),
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as _built_at
from {{ this }} as existing
inner join customer_support_threads as threads on threads.tweet_id = existing.message_id
where existing.source = '{{ cs_source }}'
    and not exists (select 1 from customer_support as c where c.tweet_id = existing.message_id)
{%- endif %}
