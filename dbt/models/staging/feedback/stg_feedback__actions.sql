-- One row per action of the action log, as its latest change says (statuses move): exports may
-- land out of order, so updated_at decides before the landing time.
-- feedback_ref splits into the kind of feedback and its id (docs/sources.md#feedback-actions).
{{ config(unique_key='action_id') }}
{%- set landing = landing_state(source('feedback', 'feedback__actions')) %}
with

source as (

    {{ landings(source('feedback', 'feedback__actions'), landing, 'action_id') }}

),

renamed as (

    select
        action_id,
        feedback_ref,
        -- "mention:x-123" or "x__tweets:123": the kind before the first colon, the id after it
        split_part(feedback_ref, ':', 1) as feedback_kind,
        substr(feedback_ref, instr(feedback_ref, ':') + 1) as feedback_id,
        action_taken,
        lower(trim(owner_department)) as owner_department,
        owner,
        lower(status) as status,
        logged_at,
        closed_at,
        updated_at,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'action_id', landing, order_first='updated_at desc nulls last') }}

)

select * from final
