-- One row per touchpoint of a known CRM contact: an interaction on a social channel, a social
-- click-through to the site, a community visit or post, a care conversation. Each has the
-- department that owns it: marketing (content and campaigns), sales (social selling), service
-- (care and community). Definitions: docs/metrics.md#touchpoints.
with

identities as (

    select platform, account_id, contact_id
    from {{ ref('dim_social_identities') }}
    where contact_id is not null

),

conversations as (

    select * from {{ ref('fct_care_conversations') }}

),

-- The platform accounts of the care sources (the twcs import's authors are anonymised: no key).
care_platforms as (

    select * from (values
        ('x__tweets', 'x'),
        ('facebook__comments', 'facebook'),
        ('facebook__messages', 'facebook')
    ) as t(source, platform)

),

-- A conversation the brand took part in is service's: one touch, when it opened.
care as (

    select
        'care:' || c.source || ':' || c.conversation_id as touch_id,
        i.contact_id,
        c.opened_at as touched_at,
        'care_conversation' as touch_type,
        p.platform as channel,
        null::string as campaign,
        'service' as department,
        c.brand
    from conversations as c
    inner join care_platforms as p using (source)
    inner join identities as i on i.platform = p.platform and i.account_id = c.customer_id
    where c.exchanges > 0

),

-- Messages the brand did not take part in are reactions to its content: marketing's, one
-- touch each (a tweet at or in reply to the brand, a comment, a direct message).
engagements as (

    select
        'engagement:' || m.source || ':' || m.message_id as touch_id,
        i.contact_id,
        m.received_at as touched_at,
        case m.channel
            when 'facebook_comment' then 'comment'
            when 'facebook_messenger' then 'direct_message'
            else 'tweet'
        end as touch_type,
        p.platform as channel,
        null::string as campaign,
        'marketing' as department,
        m.brand
    from {{ ref('fct_care_messages') }} as m
    inner join conversations as c
        on c.source = m.source and c.conversation_id = coalesce(m.conversation_id, m.message_id)
    inner join care_platforms as p on p.source = m.source
    inner join identities as i on i.platform = p.platform and i.account_id = m.author_id
    where c.exchanges = 0

),

shares as (

    select
        'share:x:' || t.tweet_id as touch_id,
        i.contact_id,
        t.created_at as touched_at,
        'share' as touch_type,
        'x' as channel,
        null::string as campaign,
        'marketing' as department,
        null::string as brand
    from {{ ref('stg_x__tweets') }} as t
    inner join identities as i on i.platform = 'x' and i.account_id = {{ pseudonymize('t.author_id') }}
    where t.is_retweet

),

sessions as (

    select
        s.*,
        i.contact_id,
        -- a click-through from a social platform: its UTM source is one, or its medium is social
        s.utm_source in ('x', 'facebook', 'instagram', 'linkedin', 'youtube')
            or s.utm_medium in ('social', 'paid_social', 'social_selling') as is_social_click
    from {{ ref('stg_web__sessions') }} as s
    inner join identities as i on i.platform = 'web' and i.account_id = {{ pseudonymize('s.email_sha256') }}

),

clicks as (

    select
        'click:' || session_id as touch_id,
        contact_id,
        started_at as touched_at,
        'social_click' as touch_type,
        coalesce(utm_source, 'other') as channel,
        utm_campaign as campaign,
        -- links shared by sales people carry utm_medium=social_selling
        case when utm_medium = 'social_selling' then 'sales' else 'marketing' end as department,
        null::string as brand
    from sessions
    where is_social_click

),

community_visits as (

    select
        'visit:' || session_id as touch_id,
        contact_id,
        started_at as touched_at,
        'community_visit' as touch_type,
        'community' as channel,
        utm_campaign as campaign,
        'service' as department,
        null::string as brand
    from sessions
    where not is_social_click and landing_page like '/community%'

),

community_posts as (

    select 'thread:' || thread_id as touch_id, author_user_id, created_at
    from {{ ref('stg_community__threads') }}
    union all
    select 'reply:' || reply_id, author_user_id, created_at
    from {{ ref('stg_community__replies') }}
    where not is_staff

),

community as (

    select
        'community:' || p.touch_id as touch_id,
        i.contact_id,
        p.created_at as touched_at,
        'community_post' as touch_type,
        'community' as channel,
        null::string as campaign,
        'service' as department,
        null::string as brand
    from community_posts as p
    inner join identities as i on i.platform = 'community' and i.account_id = {{ pseudonymize('p.author_user_id') }}

),

final as (

    select * from care
    union all
    select * from engagements
    union all
    select * from shares
    union all
    select * from clicks
    union all
    select * from community_visits
    union all
    select * from community

)

select * from final
