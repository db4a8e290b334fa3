-- One row per action of the action log, as its latest change says (statuses move): exports may
-- land out of order, so updated_at decides before the landing time.
-- feedback_ref splits into the kind of feedback and its id (docs/sources.md#feedback-actions).
with

source as (

    select * from {{ source('feedback', 'feedback__actions') }}

),

latest as (

    {{ latest_landing('source', 'action_id', order_first='updated_at desc nulls last') }}

),

renamed as (

    select
        action_id,
        feedback_ref,
        -- "mention:x-123" or "x__tweets:123": the kind before the first colon, the id after it
        split_part(feedback_ref, ':', 1) as feedback_kind,
        substr(feedback_ref, strpos(feedback_ref, ':') + 1) as feedback_id,
        action_taken,
        lower(trim(owner_department)) as owner_department,
        owner,
        lower(status) as status,
        logged_at,
        closed_at,
        updated_at,
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
