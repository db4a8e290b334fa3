-- Fan quality per brand and channel (seed 003: "Is your fan a customer?"): of the accounts that
-- engaged with the brand, how many are known CRM contacts, customers, and in the brand's target
-- segments. Definitions: docs/metrics.md#fan-quality.
with

brands as (

    select brand, string_split(coalesce(target_segments, ''), '|') as target_segments
    from {{ ref('brands') }}
    where not is_competitor

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

identities as (

    select platform, account_id, contact_id, is_customer, segment
    from {{ ref('dim_social_identities') }}

),

final as (

    select
        e.brand,
        e.channel,
        count(*) as engagers,
        count(i.contact_id) as matched_engagers,
        count(*) filter (where i.is_customer) as customer_engagers,
        count(*) filter (where list_contains(b.target_segments, i.segment)) as target_segment_engagers,
        count(i.contact_id) / count(*) as matched_share,
        count(*) filter (where i.is_customer) / count(*) as customer_share,
        count(*) filter (where list_contains(b.target_segments, i.segment)) / count(*)
            as target_segment_share
    from engagers as e
    inner join brands as b using (brand)
    left join identities as i on i.platform = e.channel and i.account_id = e.account_id
    group by e.brand, e.channel

)

select * from final
