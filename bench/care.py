"""Customer-care build at scale: full, one new day, against a single query and pandas.

    .venv/bin/python bench/care.py [--messages 10000000] [--keep DIR]

Writes ``--messages`` inbound customer tweets over 365 days straight into the raw lake of a fresh
home, ``lake/raw/customer_support__tweets/dt=<day>/<batch>.parquet``, one landed batch a day with
its audit row (the twcs import's shape and lineage columns; DuckDB SQL, deterministic): daily and
weekly cycles, 20 brand support accounts, about 75% answered (some twice, a few also by another
brand, a few replies stamped before their message), reply delays log-normal (median about an
hour, tail to 14 days). Then, each in its own child process so time and peak memory (ru_maxrss)
are its own, with DuckDB's memory limit GROUNDSWELL_DUCKDB_MEMORY_LIMIT (3GB by default):

- full: ``dbt run --select +fct_care_messages`` (seeds and the business-hours calendar loaded
  beforehand, untimed): the latest landing of each tweet (staging), the messages, replies, the
  judgement, and the view that judges open messages at as_of; then, timed apart, the view's rows
  read into a table, as a publish copies them into the snapshot;
- dbt start-up: ``dbt run --select int_business_intervals`` (a small table) for reference: dbt's
  own start-up and parse, part of every run;
- lower bound: one hand-written SQL statement that computes every column of fct_care_messages
  from the same lake and seeds (``LOWER_BOUND``), into a table; checked equal to the mart;
- first responses: the old lower bound, one statement of each inbound message's first brand reply
  (not before it) and calendar minutes, from the lake;
- pandas: those first responses in pandas (the lake read by DuckDB ``.df()`` timed apart);
- coverage: ``dbt run --select agg_care_coverage_batches agg_care_coverage`` after the full build:
  the thread coverage marts, rebuilt whole at every build (every brand reply's parent looked up);
- incremental: the next day's batch landed in the lake, then ``dbt run --select +fct_care_messages``;
- refresh: the same with ``--full-refresh`` on the same 366 days, compared row for row with the
  incremental result (every column but ``_built_at``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

END = "2026-11-01"  # the base data ends here; the new day is the next one
DAYS = 365
BRANDS = 20

# One row per inbound message over DAYS + 1 days (the last one is the "new day"), then its
# replies. u(i, k): a deterministic uniform in [0, 1).
GENERATE = """
create or replace macro u(i, k) as (hash(i, k) % 1000003) / 1000003.0;
create or replace temp table messages as
with base as (
    select i,
        -- weekly cycle: a third of weekend messages move to Thursday/Friday
        floor(u(i, 1) * {days})::int as day0,
        -- daily cycle: 80% between 08:00 and 22:00
        case when u(i, 2) < 0.8 then 8 * 3600 + u(i, 3) * 14 * 3600 else u(i, 3) * 86400 end as second
    from range({n}) as t(i)
), days as (
    select *, cast('{end}' as timestamp) - interval ({days} - 1) day + to_days(
        case when isodow(cast('{end}' as date) - ({days} - 1) + day0) >= 6 and u(i, 4) < 0.35
             then day0 - 2 else day0 end) as day_at
    from base
)
select i,
    cast(i as varchar) as tweet_id,
    cast(100000 + hash(i, 5) % 2000000 as varchar) as author_id,
    day_at + to_microseconds(cast(second * 1e6 as bigint)) as created_at,
    floor(pow(u(i, 6), 1.6) * {brands})::int as brand_no
from days
where day_at >= cast('{end}' as timestamp) - interval ({days} - 1) day;

create or replace temp table replies as
with answered as (
    select m.*, u(i, 7) as r from messages as m where u(i, 8) < 0.75
), normal as (
    -- log-normal delay in seconds: median 3,600, sigma 1.6 (Box-Muller), at most 14 days
    select *, least(14 * 86400, 3600 * exp(1.6 * sqrt(-2 * ln(1 - u(i, 9))) * cos(2 * pi() * u(i, 10))))
        as delay
    from answered
), one as (
    select i, 0 as k, brand_no, created_at + to_microseconds(cast(
        case when r < 0.005 then -60 - u(i, 11) * 600 else delay end * 1e6 as bigint)) as reply_at
    from normal
    union all  -- 10% answered twice by the same brand, later
    select i, 1, brand_no, created_at + to_microseconds(cast((delay + 60 + u(i, 12) * 7200) * 1e6 as bigint))
    from normal where r >= 0.9
    union all  -- 2% also answered by another brand
    select i, 2, (brand_no + 1) % {brands}, created_at + to_microseconds(cast(delay * 1.5e6 as bigint))
    from normal where r between 0.5 and 0.52
)
select {offset} + 3 * i + k as reply_no, i, brand_no, reply_at from one;

create or replace temp table tweets as
select m.tweet_id, m.author_id, true as inbound, m.created_at,
    '@Brand' || lpad(m.brand_no::varchar, 2, '0') || 'Support my order ' || m.i || ' is late again' as text,
    (select string_agg(cast(r.reply_no as varchar), ',') from replies as r where r.i = m.i)
        as response_tweet_ids,
    null::varchar as in_response_to_tweet_id
from messages as m
union all
select cast(r.reply_no as varchar), 'Brand' || lpad(r.brand_no::varchar, 2, '0') || 'Support', false,
    r.reply_at, '@' || m.author_id || ' sorry to hear that, DM us your order number', null,
    m.tweet_id
from replies as r inner join messages as m using (i);
"""

# Every column of fct_care_messages for the twcs tweets of the lake, by hand, in one statement:
# the latest landing of each tweet, twcs threads, the brand a message addresses, its first response,
# business time (hour buckets of int_business_intervals, as the model does: equi-joins, not ASOF
# joins), the SLA policy, its breach, and the open messages judged at as_of. Seeds, enrichment and
# the calendar's intervals are read from the warehouse (loaded before, untimed).
LOWER_BOUND = r"""
create or replace table main.bench_lower_bound as
with recursive
tweets as (
    select tweet_id, author_id, inbound, created_at, text, in_response_to_tweet_id
    from {lake}
    qualify row_number() over (partition by tweet_id order by _loaded_at desc, _source_file desc,
                                                              _record_no desc) = 1
),
accounts as (select lower(account_handle) as handle, brand from seeds.brand_accounts where platform = 'x'),
brand_handle as (
    select handle, min(brand) as brand from (
        select handle, brand from accounts
        union
        select lower(t.author_id), coalesce(a.brand, t.author_id)
        from tweets as t left join accounts as a on a.handle = lower(t.author_id) where not t.inbound)
    group by handle
),
threads (tweet_id, conversation_id) as (
    select tweet_id, tweet_id from tweets as t
    where in_response_to_tweet_id is null
        or not exists (select 1 from tweets as p where p.tweet_id = t.in_response_to_tweet_id)
    union all
    select c.tweet_id, threads.conversation_id
    from tweets as c inner join threads on c.in_response_to_tweet_id = threads.tweet_id
),
brand_tweets as (
    select t.tweet_id, t.author_id, t.created_at, t.in_response_to_tweet_id,
           coalesce(a.brand, t.author_id) as brand
    from tweets as t left join accounts as a on a.handle = lower(t.author_id) where not t.inbound
),
messages as (
    select t.tweet_id, t.author_id, t.created_at, t.text, p.brand as known_brand
    from tweets as t left join brand_tweets as p on p.tweet_id = t.in_response_to_tweet_id
    where t.inbound
),
mentioned as (
    select tweet_id, arg_min(h.brand, pos) as brand from (
        select tweet_id, unnest(handles) as handle, generate_subscripts(handles, 1) as pos
        from (select tweet_id, regexp_extract_all(lower(text), '@(\w+)', 1) as handles
              from messages where contains(text, '@'))
    ) inner join brand_handle as h using (handle)
    group by tweet_id
),
replies as (
    select m.tweet_id, m.created_at, m.known_brand, r.tweet_id as reply_id, r.created_at as reply_at,
           r.author_id as reply_by, r.brand as reply_brand
    from messages as m inner join brand_tweets as r on r.in_response_to_tweet_id = m.tweet_id
),
first_any as (
    select tweet_id, arg_min({{'brand': reply_brand, 'id': reply_id, 'at': reply_at, 'by': reply_by}},
                             (reply_at, reply_id)) as r
    from replies group by tweet_id
),
addressed as (
    select m.*, coalesce(m.known_brand, f.r.brand, mt.brand) as brand, f.r as first_any
    from messages as m left join first_any as f using (tweet_id) left join mentioned as mt using (tweet_id)
),
first_response as (
    select a.*,
           case when a.known_brand is null and a.first_any.at >= a.created_at
                then {{'id': a.first_any.id, 'at': a.first_any.at, 'by': a.first_any.by}}
                else ok.fr end as fr,
           case when a.known_brand is not null then coalesce(ok.before, false)
                else coalesce(a.first_any.at < a.created_at, false) end as has_reply_before_message
    from addressed as a
    left join (
        select r.tweet_id,
               arg_min({{'id': r.reply_id, 'at': r.reply_at, 'by': r.reply_by}}, (r.reply_at, r.reply_id))
                   filter (where r.reply_at >= r.created_at) as fr,
               bool_or(r.reply_at < r.created_at) as before
        from replies as r inner join addressed as b using (tweet_id)
        where r.reply_brand = b.brand
        group by r.tweet_id
    ) as ok using (tweet_id)
),
judged as (
    select f.*, coalesce(e.complaint_type, 'neutral') as complaint_type, e.complaint_topic, e.sentiment_score,
           e.sentiment_label, coalesce(b.calendar_id, 'default') as calendar_id
    from first_response as f
    left join enrichment.texts as e on e.source = 'customer_support__tweets' and e.record_id = f.tweet_id
    left join seeds.brands as b on b.brand = f.brand
),
policy as (
    -- a policy without a target (troll) wins too: arg_min skips NULL, so it travels as -1
    select j.c as complaint_type, nullif(arg_min(coalesce(cast(p.sla_minutes as integer), -1),
        ((p.channel = '*')::int + (p.complaint_type = '*')::int + (p.priority = '*')::int,
         coalesce(cast(p.sla_minutes as integer), 2147483647))), -1) as sla_minutes
    from (select distinct complaint_type as c from judged) as j
    inner join seeds.sla_policies as p
        on p.channel in ('x', '*') and p.complaint_type in (j.c, '*') and p.priority in ('normal', '*')
    group by j.c
),
intervals as (select * from intermediate.int_business_intervals),
bucketing as (
    select least(3600, min(open_seconds)) as s,
           max(epoch(opens_at_utc)::bigint) // least(3600, min(open_seconds)) as last_t,
           max(seconds_before) // least(3600, min(open_seconds)) as last_b
    from intervals
),
positioned as (
    select i.*, epoch(i.opens_at_utc)::bigint as t_pos, i.seconds_before as b_pos, b.*,
           lead(epoch(i.opens_at_utc)::bigint) over (partition by calendar_id order by opens_at_utc)
             as t_next,
           lead(i.seconds_before) over (partition by calendar_id order by opens_at_utc) as b_next
    from intervals as i cross join bucketing as b
),
t_buckets as (  -- per hour: the interval open at its start (p) and the one opening inside it (n)
    select coalesce(p.calendar_id, n.calendar_id) as calendar_id, coalesce(p.bucket, n.bucket) as bucket,
           p.opens_at_utc as p_at, p.open_seconds as p_open, p.seconds_before as p_before,
           n.opens_at_utc as n_at, n.open_seconds as n_open, n.seconds_before as n_before
    from (select calendar_id, unnest(range((t_pos + s - 1) // s, coalesce((t_next + s - 1) // s, last_t + 1)))
                   as bucket, opens_at_utc, open_seconds, seconds_before from positioned) as p
    full join (select calendar_id, t_pos // s as bucket, opens_at_utc, open_seconds, seconds_before
               from positioned) as n using (calendar_id, bucket)
),
b_buckets as (
    select coalesce(p.calendar_id, n.calendar_id) as calendar_id, coalesce(p.bucket, n.bucket) as bucket,
           p.opens_at_utc as p_at, p.seconds_before as p_before,
           n.opens_at_utc as n_at, n.seconds_before as n_before
    from (select calendar_id, unnest(range((b_pos + s - 1) // s, coalesce((b_next + s - 1) // s, last_b + 1)))
                   as bucket, opens_at_utc, seconds_before from positioned) as p
    full join (select calendar_id, b_pos // s as bucket, opens_at_utc, seconds_before from positioned) as n
        using (calendar_id, bucket)
),
as_of as (select max(created_at) as as_of from tweets),
clocked as (
    select j.*, p.sla_minutes,
        case when rb.n_at <= j.created_at
             then rb.n_before + least(rb.n_open, greatest(0, date_diff('second', rb.n_at, j.created_at)))
             else rb.p_before + least(rb.p_open, greatest(0, date_diff('second', rb.p_at, j.created_at))) end
          as received_bs,
        case when fb.n_at <= j.fr.at
             then fb.n_before + least(fb.n_open, greatest(0, date_diff('second', fb.n_at, j.fr.at)))
             else fb.p_before + least(fb.p_open, greatest(0, date_diff('second', fb.p_at, j.fr.at))) end
          as response_bs
    from judged as j
    cross join bucketing as k
    left join policy as p using (complaint_type)
    left join t_buckets as rb
        on rb.calendar_id = j.calendar_id
        and rb.bucket = least(epoch_us(j.created_at) // 1000000 // k.s, k.last_t)
    left join t_buckets as fb
        on fb.calendar_id = j.calendar_id and fb.bucket = least(epoch_us(j.fr.at) // 1000000 // k.s, k.last_t)
),
as_of_clock as (
    select c.calendar_id, as_of.as_of,
           i.seconds_before
             + least(i.open_seconds, greatest(0, date_diff('second', i.opens_at_utc, as_of.as_of)))
             as as_of_bs
    from (select distinct calendar_id from intervals) as c cross join as_of
    asof left join intervals as i on i.calendar_id = c.calendar_id and i.opens_at_utc <= as_of.as_of
),
breached as (
    select c.*,
        case when bb.n_before <= c.received_bs + c.sla_minutes * 60
             then bb.n_at + to_seconds(c.received_bs + c.sla_minutes * 60 - bb.n_before)
             else bb.p_at + to_seconds(c.received_bs + c.sla_minutes * 60 - bb.p_before) end as sla_breach_at
    from clocked as c
    cross join bucketing as k
    left join b_buckets as bb
        on bb.calendar_id = c.calendar_id
        and bb.bucket = least((c.received_bs + c.sla_minutes * 60) // k.s, k.last_b)
)
select
    b.tweet_id as message_id,
    t.conversation_id,
    'x' as channel,
    b.brand,
    'p_' || left(sha256(groundswell_pseudonym_key() || ':' || b.author_id), 20) as author_id,
    b.created_at as received_at,
    b.fr.at is not null as is_responded,
    b.fr.id as first_response_id,
    b.fr.at as first_response_at,
    b.fr.by as first_response_by,
    date_diff('second', b.created_at, b.fr.at) / 60.0 as first_response_minutes,
    case when b.fr.at is not null then (b.response_bs - b.received_bs) / 60.0 end
        as first_response_business_minutes,
    'normal' as priority,
    b.calendar_id,
    b.sla_minutes,
    case when b.sla_minutes is null then null
         when b.fr.at is not null then b.response_bs - b.received_bs <= b.sla_minutes * 60
         when a.as_of_bs - b.received_bs > b.sla_minutes * 60 then false end as is_within_sla,
    b.sla_breach_at,
    b.fr.at is null as is_open,
    case when b.fr.at is null then (a.as_of_bs - b.received_bs) / 60.0 end as open_business_minutes,
    (select as_of from as_of) as as_of,
    b.complaint_type,
    b.complaint_topic,
    r.recommended_response,
    b.sentiment_score,
    b.sentiment_label,
    b.has_reply_before_message,
    'customer_support' as source_system,
    'customer_support__tweets' as source
from breached as b
left join threads as t using (tweet_id)
left join as_of_clock as a using (calendar_id)
left join seeds.complaint_responses as r using (complaint_type)
"""

FIRST_RESPONSES = """
create or replace table main.bench_first_responses as
select m.tweet_id, m.created_at, min(r.created_at) as first_response_at,
    date_diff('second', m.created_at, min(r.created_at)) / 60.0 as first_response_minutes
from {lake} as m
left join {lake} as r
    on r.in_response_to_tweet_id = m.tweet_id and not r.inbound and r.created_at >= m.created_at
where m.inbound
group by m.tweet_id, m.created_at
"""

TABLE = "customer_support__tweets"
MART_COLUMNS = "* exclude (_built_at)"


def land(con, settings, since: str, until: str, batch: str) -> int:
    """The generated tweets stamped in [since, until) as landed batches of the lake, one a day (the
    day's tweets landed at 02:00 the next day), each with its audit row, as the land DAG writes them."""
    from groundswell.land.landing import ensure_contracts
    from groundswell.land.sources import SOURCES

    source = next(s for s in SOURCES.values() if s.table == TABLE)
    lake = settings.raw_lake
    ensure_contracts(con, lake, [source])
    fields = ", ".join(f'"{f.name}"' for f in source.fields)
    con.execute(f"""
        create or replace temp table landed as
        select {fields}, null::json as _extras,
            '{batch}-' || strftime(created_at::date, '%Y%m%d') as _batch_id,
            'bench/{batch}/' || strftime(created_at::date, '%Y-%m-%d') || '.csv' as _source_file,
            row_number() over (partition by created_at::date order by tweet_id) as _record_no,
            created_at::date + interval 26 hour as _loaded_at,
            created_at::date as day
        from tweets where created_at >= '{since}' and created_at < '{until}'""")
    lake.write_batches(con, "raw", TABLE, "select * exclude (day), _batch_id as batch, day from landed")
    lake.write_batches(con, "load_audit", TABLE, f"""
        select _batch_id as batch_id, 'customer-support-tweets' as source, 'raw.{TABLE}' as target_table,
            day as dt, 1 as file_count, [any_value(_source_file)] as files, count(*) as received,
            count(*) as landed, 0::bigint as quarantined, any_value(_loaded_at) as started_at,
            any_value(_loaded_at) as finished_at, null::varchar as dag_id, null::varchar as run_id,
            null::varchar[] as replaced_batches,
            _batch_id || '@' || strftime(any_value(_loaded_at), '%Y%m%dT%H%M%S%f') as batch,
            any_value(_loaded_at)::date as day
        from landed group by _batch_id, day""")
    return con.execute("select count(*) from landed").fetchone()[0]


def run_stage(stage: str, messages: int) -> dict:
    import duckdb

    from groundswell.config import get_settings

    settings = get_settings()
    lake_sql = settings.raw_lake.read_sql("raw", TABLE)
    if stage == "generate":
        n = messages * (DAYS + 1) // DAYS
        (settings.home / "tmp").mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
        con.execute(f"SET temp_directory = '{settings.home / 'tmp' / 'generate'}'")
        con.execute(GENERATE.format(n=n, days=DAYS + 1, end=END, brands=BRANDS, offset=10 * n))
        base = land(con, settings, "2000-01-01", END, "base")
        inbound = con.execute(
            f"select count(*) from tweets where inbound and created_at < '{END}'").fetchone()[0]
        con.execute(f"copy (select * from tweets where created_at >= '{END}' and created_at < "
                    f"cast('{END}' as date) + 1) to '{settings.home / 'bench_new_day.parquet'}' "
                    "(format parquet)")
        return {"raw_rows": base, "inbound": inbound}
    if stage in ("seed", "full", "noop", "coverage", "incremental", "refresh"):
        from groundswell.transform import dbt as transform

        care = ["run", "--select", "+fct_care_messages", "--exclude", "int_business_intervals"]
        args = {"seed": ["seed"], "full": care, "noop": ["run", "--select", "int_business_intervals"],
                "coverage": ["run", "--select", "agg_care_coverage_batches", "agg_care_coverage"],
                "incremental": care, "refresh": [*care, "--full-refresh"]}[stage]
        if stage == "refresh":
            _query(settings, f"create or replace table main.bench_incremental as "
                             f"select {MART_COLUMNS} from marts.fct_care_messages")
        start = time.perf_counter()
        transform.run_dbt(args, settings)
        seconds = time.perf_counter() - start
        if stage == "seed":  # and the calendar's intervals, read by the care models and the lower bound
            transform.run_dbt(["run", "--select", "int_business_intervals"], settings)
        extra = {"seconds": seconds}
        if stage in ("full", "incremental", "refresh"):
            # The view's rows as the published snapshot copies them (its open messages judged at
            # as_of): a cost of every publish, timed apart from the build.
            start = time.perf_counter()
            _query(settings, "create or replace table main.bench_mart as "
                             "select * from marts.fct_care_messages")
            extra["mart_read_seconds"] = round(time.perf_counter() - start, 2)
        if stage == "coverage":
            extra["rows"], extra["orphan_replies"] = _query(
                settings, "select sum(brand_replies), sum(orphan_replies) from marts.agg_care_coverage")[0]
        elif stage not in ("seed", "noop"):
            extra["rows"] = _query(settings, "select count(*) from main.bench_mart")[0][0]
        if stage == "refresh":
            extra["differences"] = _differences(settings, "main.bench_incremental",
                                                f"(select {MART_COLUMNS} from main.bench_mart)")
        return extra
    if stage == "append":
        con = duckdb.connect()
        con.execute(f"create temp table tweets as select * from '{settings.home / 'bench_new_day.parquet'}'")
        return {"raw_rows": land(con, settings, END, "2100-01-01", "new_day")}
    if stage in ("lower_bound", "first_responses"):
        from groundswell.warehouse import connect

        con = connect(settings.warehouse_path)
        key = settings.pseudonym_key_value()
        con.create_function("groundswell_pseudonym_key", lambda: key, [], "VARCHAR", side_effects=False)
        con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
        sql = LOWER_BOUND if stage == "lower_bound" else FIRST_RESPONSES
        start = time.perf_counter()
        con.execute(sql.format(lake=lake_sql))
        seconds = time.perf_counter() - start
        table = "main.bench_lower_bound" if stage == "lower_bound" else "main.bench_first_responses"
        rows = con.execute(f"select count(*) from {table}").fetchone()[0]
        con.close()
        extra = {"seconds": seconds, "rows": rows}
        if stage == "lower_bound":
            extra["differences"] = _differences(
                settings, "main.bench_lower_bound",
                f"(select {MART_COLUMNS} from main.bench_mart where source = '{TABLE}')")
        return extra
    if stage == "pandas":
        import pandas as pd

        con = duckdb.connect()
        start = time.perf_counter()
        df = con.execute(
            f"select tweet_id, inbound, created_at, in_response_to_tweet_id from {lake_sql}").df()
        read = time.perf_counter() - start
        con.close()
        start = time.perf_counter()
        inbound = df.loc[df["inbound"], ["tweet_id", "created_at"]]
        replies = df.loc[~df["inbound"], ["in_response_to_tweet_id", "created_at"]]
        pairs = inbound.merge(replies, left_on="tweet_id", right_on="in_response_to_tweet_id",
                              suffixes=("", "_reply"))
        pairs = pairs[pairs["created_at_reply"] >= pairs["created_at"]]
        first = pairs.groupby("tweet_id", sort=False)["created_at_reply"].min().rename("first_response_at")
        out = inbound.merge(first, left_on="tweet_id", right_index=True, how="left")
        out["first_response_minutes"] = (out["first_response_at"] - out["created_at"]).dt.total_seconds() / 60
        seconds = time.perf_counter() - start
        check = pd.Series(out["first_response_minutes"].notna().sum())
        return {"seconds": seconds, "read_seconds": round(read, 2), "rows": len(out),
                "responded": int(check.iloc[0])}
    raise ValueError(stage)


def _differences(settings, left: str, right: str) -> int:
    """Rows in one relation and not the other, both ways (the same rows give 0)."""
    return _query(settings, f"""select count(*) from (
        (select * from {left} except all select * from {right})
        union all
        (select * from {right} except all select * from {left}))""")[0][0]


def _query(settings, sql: str) -> list[tuple]:
    from groundswell.warehouse import connect

    con = connect(settings.warehouse_path)
    try:
        con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def child(stage: str, messages: int) -> None:
    start = time.perf_counter()
    extra = run_stage(stage, messages)
    seconds = extra.pop("seconds", time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"stage": stage, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
                      **extra}))


def measure(stage: str, messages: int, env: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--stage", stage, "--messages", str(messages)],
                          env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{stage} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"# {json.dumps(result)}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000_000,
                        help="inbound customer messages over the year (default 10,000,000)")
    parser.add_argument("--keep", type=Path, default=None, help="GROUNDSWELL_HOME to use and keep")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        child(args.stage, args.messages)
        return
    home = args.keep or Path(tempfile.mkdtemp(prefix="groundswell-care-")) / "home"
    env = dict(os.environ, GROUNDSWELL_HOME=str(home), GROUNDSWELL_PSEUDONYM_KEY="bench-care")
    limit = env.setdefault("GROUNDSWELL_DUCKDB_MEMORY_LIMIT", "3GB")
    print(f"# groundswell care benchmark, {date.today()}, {args.messages:,} messages, home={home}, "
          f"DuckDB memory limit {limit}")
    print(f"# {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    try:
        r = {s: measure(s, args.messages, env)
             for s in ("generate", "seed", "full", "noop", "coverage", "lower_bound", "first_responses",
                       "pandas", "append", "incremental", "refresh")}
    finally:
        if args.keep is None:
            shutil.rmtree(home.parent, ignore_errors=True)
    rows = [
        ("full build (dbt run +fct_care_messages)", r["full"]),
        ("the mart's rows read (fct_care_messages, as a publish copies them)",
         {"seconds": r["full"]["mart_read_seconds"], "rows": r["full"]["rows"],
          "peak_rss_mb": r["full"]["peak_rss_mb"]}),
        ("dbt start-up (dbt run of the calendar intervals, small)", r["noop"]),
        ("thread coverage (agg_care_coverage[_batches], rows: brand replies)", r["coverage"]),
        ("lower bound (one hand-written statement, every column)", r["lower_bound"]),
        ("first responses only (one statement)", r["first_responses"]),
        ("pandas first responses (merge + groupby; read apart)", r["pandas"]),
        (f"incremental (+1 day, {r['append']['raw_rows']:,} raw rows)", r["incremental"]),
        ("full refresh after the new day", r["refresh"]),
    ]
    print("| step | seconds | rows | rows/s | peak MB |")
    print("|---|---|---|---|---|")
    for name, s in rows:
        rows_cells = (f"{s['rows']:,} | {s['rows'] / s['seconds']:,.0f}" if "rows" in s else "- | -")
        print(f"| {name} | {s['seconds']:.2f} | {rows_cells} | {s['peak_rss_mb']:,.0f} |")
    full = r["full"]["seconds"]
    peak = max(s["peak_rss_mb"] for s in r.values())
    print(f"\npandas read (DuckDB .df()): {r['pandas']['read_seconds']} s; generate: "
          f"{r['generate']['seconds']} s")
    startup = r["noop"]["seconds"]
    print(f"full / lower bound = {full / r['lower_bound']['seconds']:.2f} (target <= 2); "
          f"full / pandas = {full / r['pandas']['seconds']:.2f} (target < 1); "
          f"incremental / full = {r['incremental']['seconds'] / full:.3f} (target <= 0.05; "
          f"{(r['incremental']['seconds'] - startup) / (full - startup):.3f} without dbt's start-up); "
          f"peak RSS {peak:,.0f} MB (target <= 4,096); "
          f"lower bound vs mart: {r['lower_bound']['differences']} differing rows; "
          f"incremental vs full refresh: {r['refresh']['differences']} differing rows")


if __name__ == "__main__":
    main()
