"""Expectations on what landed: every record accounted for, no broken batch, sane counts.

They judge what the build will use, so a correction clears them: a batch as it stands in the
lake now (landing a corrected file replaces its batch), and each record's latest landing.

A batch that quarantines more than 5% of its records, and more than two, is broken, not noisy:
publishing numbers built from the rest would mislead. So is a batch with a file that could not be
read at all (not UTF-8, not JSON, no records list): how many records it held is unknown. A stray
bad record or two never block a publish (in a small batch they would be a large share); they wait
in quarantine, on Data health.
"""

import great_expectations as gx

from groundswell.gate.quality import Suite

MAX_QUARANTINE_SHARE = 0.05
QUARANTINE_SLACK = 2  # records a batch may quarantine whatever its size


def _violations(table: str, key: str, columns: tuple[str, ...], source: str) -> str:
    """The latest landing of each record of ``table`` (what staging keeps), with ``violation``:
    NULL, or which count is negative and where the record came from."""
    negative = " ".join(f"when {c} < 0 then '{c} ' || {c}" for c in columns)
    return f"""
        select {key}, {", ".join(columns)},
               case {negative} end
                 || ' in {source} batch ' || _batch_id || ', ' || _source_file || ' record '
                 || _record_no || ' (landed under an older contract): land that file again, '
                 || 'corrected, or as it is and today''s contract quarantines the record' as violation
        from raw.{table}
        qualify row_number() over (partition by {key}
                                   order by _loaded_at desc, _source_file desc, _record_no desc) = 1
    """


SUITES = [
    Suite(
        name="ops.load_audit",
        description="Every received record either landed or went to quarantine.",
        query="""
            select batch_id, source, received, landed, quarantined,
                   received - landed - quarantined as unaccounted
            from ops.load_audit
        """,
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="unaccounted", min_value=0, max_value=0),
        ],
    ),
    Suite(
        name="ops.quarantine_share",
        description=f"No batch, as it stands, quarantines more than {MAX_QUARANTINE_SHARE:.0%} of its "
        f"records and more than {QUARANTINE_SLACK}, or a file it could not read at all.",
        # Each batch's latest landing, and what of it the quarantine holds now: a batch whose files
        # a later batch landed again holds less, and one landed again whole is judged anew.
        query=f"""
            with batches as (
                select batch_id, source, dt, received from raw.load_audit
                qualify row_number() over (partition by batch_id order by started_at desc) = 1
            ), held as (
                select batch_id, count(*) as quarantined,
                       count(*) filter (where record_no = 0) as unread_files,  -- a file as a whole
                       mode(case when reason like 'duplicate %' then 'duplicate key within the batch'
                                 else regexp_replace(reason, ': .*$', '') end) as usual_reason
                from raw.quarantine group by all
            )
            select b.source, b.batch_id, b.dt, b.received, coalesce(h.quarantined, 0) as quarantined,
                   case when h.unread_files > 0
                             or (h.quarantined > {QUARANTINE_SLACK}
                                 and h.quarantined > {MAX_QUARANTINE_SHARE} * greatest(b.received, 1))
                        then b.source || ' batch ' || b.batch_id || ' (dt ' || b.dt || '): '
                             || h.quarantined || ' of ' || b.received || ' records quarantined ('
                             || round(100.0 * h.quarantined / b.received, 1) || '%'
                             || case when h.unread_files > 0
                                     then ', unreadable files: ' || h.unread_files else '' end
                             || '), mostly "'
                             || h.usual_reason || '": see them with `groundswell quarantine --batch '
                             || b.batch_id || '`, then correct the files and land them again'
                   end as broken_batch
            from batches b left join held h using (batch_id)
        """,
        reads="writer",
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeNull(column="broken_batch"),
        ],
    ),
    Suite(
        name="raw.x__tweets",
        description="Public metrics are counts: never negative (records landed before the contract "
        "refused them).",
        query=_violations("x__tweets", "id", ("like_count", "reply_count", "retweet_count",
                                              "quote_count", "impression_count"), "x-tweets"),
        reads="writer",
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToNotBeNull(column="id"),
            gx.expectations.ExpectColumnValuesToBeNull(column="violation"),
        ],
    ),
    Suite(
        name="raw.facebook__posts",
        description="Engagement summaries and insights are counts: never negative (records landed "
        "before the contract refused them).",
        query=_violations("facebook__posts", "id", ("reactions_count", "comments_count", "shares_count",
                                                    "post_impressions"), "facebook-posts"),
        reads="writer",
        expectations=lambda: [
            gx.expectations.ExpectColumnValuesToBeNull(column="violation"),
        ],
    ),
]
