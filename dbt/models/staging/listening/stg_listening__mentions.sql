-- The SQL lives in macro stg_listening__mentions: fct_mentions' incremental branch runs the same
-- body on the rows landed since its watermark only.
{{ stg_listening__mentions() }}
