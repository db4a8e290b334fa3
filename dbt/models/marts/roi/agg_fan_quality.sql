-- Fan quality per brand and channel (seed 003: "Is your fan a customer?"): of the accounts that
-- engaged with the brand, and of those that follow it, how many are known CRM contacts,
-- customers, and in the brand's target segments. Definitions: docs/metrics.md#fan-quality.
with

brands as (

    select brand, {{ split_text("coalesce(target_segments, '')", '|') }} as target_segments
    from {{ ref('brands') }}
    where not is_competitor

),

brand_accounts as (

    select platform, account_id, brand from {{ ref('brand_accounts') }}

),

-- The platform accounts of the care sources (the twcs import's authors are anonymised: no key).
care_platforms as (

    select * from (values
        ('x__tweets', 'x'),
        ('facebook__comments', 'facebook'),
        ('facebook__messages', 'facebook')
    ) as t(source, platform)

),

-- An engager wrote to the brand: a tweet at it or a reply to it, a comment on its Page, a message.
engagers as (

    select distinct m.brand, p.platform as channel, m.author_id as account_id
    from {{ ref('fct_care_messages') }} as m
    inner join care_platforms as p using (source)
    where m.brand is not null

),

-- A follower follows one of the brand's X accounts in its latest snapshot; counted once per
-- brand however many of its accounts it follows. Brand accounts following each other are not fans.
followers as (

    -- a pseudonym, as dim_social_identities.account_id and fct_care_messages.author_id are
    select distinct a.brand, 'x' as channel, {{ pseudonymize('f.follower_id') }} as account_id
    from {{ ref('stg_x__followers') }} as f
    inner join brand_accounts as a on a.platform = 'x' and a.account_id = f.followed_account_id
    anti join brand_accounts as own on own.platform = 'x' and own.account_id = f.follower_id

),

identities as (

    select platform, account_id, contact_id, is_customer, segment
    from {{ ref('dim_social_identities') }}

),

fans as (

    select brand, channel, account_id, 'engager' as relation from engagers
    union all
    select brand, channel, account_id, 'follower' from followers

),

counted as (

    select
        f.brand,
        f.channel,
        count(*) filter (where f.relation = 'engager') as engagers,
        count(i.contact_id) filter (where f.relation = 'engager') as matched_engagers,
        count(*) filter (where f.relation = 'engager' and i.is_customer) as customer_engagers,
        count(*) filter (where f.relation = 'engager' and array_contains(b.target_segments, i.segment))
            as target_segment_engagers,
        count(*) filter (where f.relation = 'follower') as followers,
        count(i.contact_id) filter (where f.relation = 'follower') as matched_followers,
        count(*) filter (where f.relation = 'follower' and i.is_customer) as customer_followers,
        count(*) filter (where f.relation = 'follower' and array_contains(b.target_segments, i.segment))
            as target_segment_followers
    from fans as f
    inner join brands as b using (brand)
    left join identities as i on i.platform = f.channel and i.account_id = f.account_id
    group by f.brand, f.channel

),

-- Follower lists exist on X only, and only for the brands whose list has landed: elsewhere the
-- follower columns are NULL (not measured), not 0.
measured as (

    select distinct a.brand
    from {{ ref('stg_x__followers') }} as f
    inner join brand_accounts as a on a.platform = 'x' and a.account_id = f.followed_account_id

),

final as (

    select
        c.brand,
        c.channel,
        c.engagers,
        c.matched_engagers,
        c.customer_engagers,
        c.target_segment_engagers,
        c.matched_engagers / nullif(c.engagers, 0) as matched_share,
        c.customer_engagers / nullif(c.engagers, 0) as customer_share,
        c.target_segment_engagers / nullif(c.engagers, 0) as target_segment_share,
        case when m.brand is not null then c.followers end as followers,
        case when m.brand is not null then c.matched_followers end as matched_followers,
        case when m.brand is not null then c.customer_followers end as customer_followers,
        case when m.brand is not null then c.target_segment_followers end as target_segment_followers,
        case when m.brand is not null then c.matched_followers / nullif(c.followers, 0) end
            as follower_matched_share,
        case when m.brand is not null then c.customer_followers / nullif(c.followers, 0) end
            as follower_customer_share,
        case when m.brand is not null then c.target_segment_followers / nullif(c.followers, 0) end
            as follower_target_segment_share
    from counted as c
    left join measured as m on m.brand = c.brand and c.channel = 'x'

)

select * from final
