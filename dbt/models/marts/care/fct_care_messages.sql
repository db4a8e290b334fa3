-- One row per inbound customer message on every care channel: was it answered by the brand it
-- addressed, how fast (calendar and business minutes) and within which SLA. Definitions:
-- docs/metrics.md#customer-care.
--
-- A view: the judgement stored by int_care_messages_judged (incremental), plus what moves with
-- as_of, computed at every read for the open messages: whether their SLA has run out by then
-- (is_within_sla false), how many business minutes they have waited, and as_of itself. A build
-- re-judges only what changed; the published snapshot holds it as a table (groundswell.warehouse).
{#- On Spark a table: the snapshot is made from the marts' Parquet files (a view has none), and
    the figures are the same, as_of being the latest message in the data unless care_as_of is set. -#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
{%- set as_of = var('care_as_of', none) %}
{#- unanswered by then, a message leaves the open backlog: expired (never answered) #}
{#- interval arithmetic, as the business clock's: the same on both engines #}
{%- set expires_at = "(j.received_at + " ~ var('care_backlog_expiry_days') ~ " * interval 1 day)" %}
with

judged as (

    select * from {{ ref('int_care_messages_judged') }}

),

-- var care_as_of, else the latest message of any side: rebuilding the same data gives the same figures
as_of as (

    {% if as_of -%}
    select cast('{{ as_of }}' as timestamp) as as_of
    {%- else -%}
    select max(created_at) as as_of from {{ ref('int_care_messages') }}
    {%- endif %}

),

-- Each calendar's business clock at as_of: the last interval opening at or before it (an ASOF
-- join; its Spark equivalent: macro business_clock_at).
at_as_of as (

    {{ business_clock_at(ref('int_business_intervals'), 'as_of', 'as_of.as_of', 'as_of_business_second') }}

),

final as (

    select
        j.message_id,
        j.conversation_id,
        j.channel,
        j.brand,
        j.author_id,
        j.received_at,
        j.is_responded,
        j.first_response_id,
        j.first_response_at,
        j.first_response_by,
        j.first_response_minutes,
        j.first_response_business_minutes,
        j.priority,
        j.calendar_id,
        j.sla_minutes,
        case
            when not j.is_open then j.is_within_sla
            when c.as_of_business_second - j.received_business_second > j.sla_minutes * 60 then false
        end as is_within_sla,
        j.sla_breach_at,
        j.is_open,
        {{ expires_at }} as expires_at,
        -- unanswered past the expiry age: out of the open backlog (docs/metrics.md#customer-care)
        coalesce(j.is_open and as_of.as_of >= {{ expires_at }}, false) as is_expired,
        case when j.is_open then (c.as_of_business_second - j.received_business_second) / 60 end
            as open_business_minutes,
        -- where an unanswered message stands (the backlog's three parts, or expired); NULL once answered
        case
            when not j.is_open then null
            when as_of.as_of >= {{ expires_at }} then 'expired'
            when c.as_of_business_second - j.received_business_second > j.sla_minutes * 60 then 'breached'
            when j.sla_minutes is null then 'no_sla'
            else 'in_time'
        end as backlog_status,
        as_of.as_of,
        j.complaint_type,
        j.complaint_topic,
        j.recommended_response,
        j.sentiment_score,
        j.sentiment_label,
        j.label_source,
        j.has_reply_before_message,
        j.source_system,
        j.source,
        j._built_at
    from judged as j
    cross join as_of
    left join at_as_of as c using (calendar_id)

)

select * from final
