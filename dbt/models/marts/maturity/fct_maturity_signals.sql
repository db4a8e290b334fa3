-- Every signal the maturity rubric can use (seeds/maturity_signals.csv), for every business unit
-- of seeds/business_units.csv and every quarter of the data: what the unit did (its accounts'
-- posts and customer messages, its brand's mentions and feedback actions, the costs charged to it)
-- and what it answered in the quarterly survey. Counts are 0, not NULL, when nothing happened;
-- a rate is NULL without a denominator, a survey answer NULL without a response.
-- Definitions: docs/metrics.md#maturity.
{#- wide's signal columns, in its order: `long` turns each into a row -#}
{%- set signal_columns = [
    'owned_posts', 'active_channels', 'posting_weeks_share', 'content_types', 'response_rate',
    'sla_attainment', 'departments_engaging', 'mentions_monitored', 'median_hours_to_action',
    'cost_lines', 'customers_use_social', 'guidelines_in_place', 'budget_committed',
    'content_plan_in_place', 'staff_trained', 'influencer_program_active',
    'evangelist_program_active', 'leadership_sponsor', 'roi_tracked', 'trained_staff_count',
    'annual_budget'] %}
with

units as (

    select business_unit, brand from {{ ref('business_units') }}

),

accounts as (

    select platform, account_id, brand, business_unit from {{ ref('brand_accounts') }}

),

calendar as (

    select date_day, week_start, quarter_start, year_quarter from {{ ref('dim_date') }}

),

posts as (

    select a.business_unit, p.platform, p.content_type, p.posted_date
    from {{ ref('fct_post_performance') }} as p
    inner join accounts as a on a.platform = p.platform and a.account_id = p.account_id

),

-- A care message belongs to the units running the brand's accounts on its platform (channel
-- facebook_comment and facebook_messenger are Facebook); the care mart keeps no account id.
care as (

    select u.business_unit, m.received_at::date as received_date, m.is_responded, m.is_within_sla
    from {{ ref('fct_care_messages') }} as m
    inner join (select distinct brand, platform, business_unit from accounts) as u
        on u.brand = m.brand and u.platform = split_part(m.channel, '_', 1)

),

mentions as (

    select brand, mentioned_at::date as mentioned_date from {{ ref('fct_mentions') }}

),

feedback as (

    select brand, logged_at::date as logged_date, hours_to_action
    from {{ ref('fct_feedback_actions') }}
    where is_feedback_found

),

costs as (

    select business_unit, cost_date, department
    from {{ ref('stg_costs__program_costs') }}
    where business_unit is not null

),

survey as (

    select * from {{ ref('stg_survey__maturity_responses') }}

),

-- The data window: the first to the last day anything was measured. Its quarters are assessed;
-- a quarter it cuts (the first or the last) counts only its weeks inside the window.
data_window as (

    select min(d) as first_day, max(d) as last_day
    from (
        select posted_date as d from posts
        union all select received_date from care
        union all select mentioned_date from mentions
    ) as measured_days

),

quarters as (

    select c.year_quarter as quarter, c.quarter_start, count(distinct c.week_start) as weeks_observed
    from calendar as c, data_window as w
    where c.date_day between w.first_day and w.last_day
    group by all
    union
    -- a survey answered for a quarter without measured data is still assessed
    select s.quarter, c.quarter_start, 0 as weeks_observed
    from (select distinct quarter from survey) as s
    inner join (select distinct year_quarter, quarter_start from calendar) as c on c.year_quarter = s.quarter
    where s.quarter not in (
        select c2.year_quarter from calendar as c2, data_window as w2
        where c2.date_day between w2.first_day and w2.last_day
    )

),

post_figures as (

    select
        p.business_unit,
        c.year_quarter as quarter,
        count(*) as owned_posts,
        count(distinct p.platform) as active_channels,
        count(distinct c.week_start) as posting_weeks,
        count(distinct p.content_type) as content_types
    from posts as p
    inner join calendar as c on c.date_day = p.posted_date
    group by all

),

care_figures as (

    select
        m.business_unit,
        c.year_quarter as quarter,
        count(*) as messages,
        count(*) filter (where m.is_responded) as responded,
        count(m.is_within_sla) as sla_judged,
        count(*) filter (where m.is_within_sla) as within_sla
    from care as m
    inner join calendar as c on c.date_day = m.received_date
    group by all

),

mention_figures as (

    select m.brand, c.year_quarter as quarter, count(*) as mentions
    from mentions as m
    inner join calendar as c on c.date_day = m.mentioned_date
    group by all

),

feedback_figures as (

    select f.brand, c.year_quarter as quarter, median(f.hours_to_action) as median_hours_to_action
    from feedback as f
    inner join calendar as c on c.date_day = f.logged_date
    group by all

),

cost_figures as (

    select
        k.business_unit,
        c.year_quarter as quarter,
        count(*) as cost_lines,
        count(*) filter (where k.department = 'sales') as sales_cost_lines
    from costs as k
    inner join calendar as c on c.date_day = k.cost_date
    group by all

),

wide as (

    select
        u.business_unit,
        u.brand,
        q.quarter,
        q.quarter_start,
        s.business_unit is not null as has_survey,
        coalesce(p.owned_posts, 0) > 0 or coalesce(m.messages, 0) > 0 as has_activity,
        coalesce(p.owned_posts, 0)::double as owned_posts,
        coalesce(p.active_channels, 0)::double as active_channels,
        {{ safe_divide('coalesce(p.posting_weeks, 0)', 'q.weeks_observed') }} as posting_weeks_share,
        coalesce(p.content_types, 0)::double as content_types,
        {{ safe_divide('m.responded', 'm.messages') }} as response_rate,
        {{ safe_divide('m.within_sla', 'm.sla_judged') }} as sla_attainment,
        ((coalesce(p.owned_posts, 0) > 0)::int + (coalesce(m.responded, 0) > 0)::int
            + (coalesce(k.sales_cost_lines, 0) > 0)::int)::double as departments_engaging,
        coalesce(n.mentions, 0)::double as mentions_monitored,
        f.median_hours_to_action::double as median_hours_to_action,
        coalesce(k.cost_lines, 0)::double as cost_lines,
        s.customers_use_social::int::double as customers_use_social,
        s.guidelines_in_place::int::double as guidelines_in_place,
        s.budget_committed::int::double as budget_committed,
        s.content_plan_in_place::int::double as content_plan_in_place,
        s.staff_trained::int::double as staff_trained,
        s.influencer_program_active::int::double as influencer_program_active,
        s.evangelist_program_active::int::double as evangelist_program_active,
        s.leadership_sponsor::int::double as leadership_sponsor,
        s.roi_tracked::int::double as roi_tracked,
        s.trained_staff_count::double as trained_staff_count,
        s.annual_budget::double as annual_budget
    from units as u
    cross join quarters as q
    left join post_figures as p on p.business_unit = u.business_unit and p.quarter = q.quarter
    left join care_figures as m on m.business_unit = u.business_unit and m.quarter = q.quarter
    left join cost_figures as k on k.business_unit = u.business_unit and k.quarter = q.quarter
    left join mention_figures as n on n.brand = u.brand and n.quarter = q.quarter
    left join feedback_figures as f on f.brand = u.brand and f.quarter = q.quarter
    left join survey as s on s.business_unit = u.business_unit and s.quarter = q.quarter

),

long as (

    -- every signal column becomes a row; NULLs kept (a missing answer is evidence too)
    select * from wide unpivot include nulls (
        measured_value for signal in (
            {{ signal_columns | join(',\n            ') }}
        )
    )

),

final as (

    select
        l.business_unit,
        l.brand,
        l.quarter,
        l.quarter_start,
        l.signal,
        l.measured_value,
        s.kind as signal_kind,
        s.evidence_source,
        l.has_survey,
        l.has_activity
    from long as l
    left join {{ ref('maturity_signals') }} as s on s.signal = l.signal

)

select * from final
