-- One row per action of the action log, linked to the feedback it answers: a mention
-- (marts.fct_mentions) or a customer-care message (marts.fct_care_messages). Seed 001: listening
-- and then ignoring is worse than not listening. Definitions: docs/metrics.md#feedback-loop.
with

actions as (

    select * from {{ ref('stg_feedback__actions') }}

),

-- The feedback an action can point at, in one shape. Each side is read only for the ids the
-- action log names, so the join costs the log's size, not the history's.
mentions as (

    select
        'mention' as feedback_kind,
        mention_id as feedback_id,
        brand,
        platform as channel,
        mentioned_at as feedback_at,
        complaint_type,
        complaint_topic,
        sentiment_label
    from {{ ref('fct_mentions') }}
    where mention_id in (select feedback_id from actions where feedback_kind = 'mention')

),

care_messages as (

    select
        source as feedback_kind,
        message_id as feedback_id,
        brand,
        channel,
        received_at as feedback_at,
        complaint_type,
        complaint_topic,
        sentiment_label
    from {{ ref('fct_care_messages') }}
    where message_id in (select feedback_id from actions where feedback_kind <> 'mention')

),

feedback as (

    select * from mentions
    union all
    select * from care_messages

),

final as (

    select
        a.action_id,
        a.feedback_ref,
        a.feedback_kind,
        a.feedback_id,
        -- a reference to feedback that has not landed (or never will) is kept, not dropped
        f.feedback_id is not null as is_feedback_found,
        f.brand,
        f.channel,
        f.feedback_at,
        f.complaint_type,
        f.complaint_topic,
        f.sentiment_label,
        a.action_taken,
        a.owner_department,
        a.owner,
        a.status,
        a.status in ('done', 'declined') as is_closed,
        a.logged_at,
        a.closed_at,
        -- hours from the feedback being posted to the action being taken up, and to its closing;
        -- an action logged before its feedback's time stamp (clock skew) counts 0. (DuckDB's
        -- greatest() skips NULLs, so an unknown time is tested for first.)
        case when f.feedback_at is not null
            then greatest(0, {{ seconds_elapsed('f.feedback_at', 'a.logged_at') }} / 3600.0) end as hours_to_action,
        case when a.status in ('done', 'declined') and a.closed_at is not null and f.feedback_at is not null
            then greatest(0, {{ seconds_elapsed('f.feedback_at', 'a.closed_at') }} / 3600.0) end as hours_to_close
    from actions as a
    left join feedback as f on f.feedback_kind = a.feedback_kind and f.feedback_id = a.feedback_id

)

select * from final
