-- The SQL lives in macro stg_customer_support__tweets: int_care_messages' incremental branch
-- runs the same body on the newly landed rows only.
{{ stg_customer_support__tweets() }}
