"""Customer-care build at scale: full, one new day, against a single query and pandas.

    uv run python bench/care.py [--messages 10000000] [--keep DIR]

Writes ``--messages`` inbound customer tweets over 365 days straight into
``raw.customer_support__tweets`` of a fresh warehouse (the twcs import's shape and lineage
columns; DuckDB SQL, deterministic): daily and weekly cycles, 20 brand support accounts,
about 75% answered (some twice, a few also by another brand, a few replies stamped before
their message), reply delays log-normal (median about an hour, tail to 14 days). Then,
each in its own child process so time and peak memory (ru_maxrss) are its own:

- full: ``dbt run --select +fct_care_messages`` (seeds loaded beforehand, untimed);
- no-op dbt: ``dbt run --select stg_customer_support__tweets`` for reference: dbt's own start-up, parse and
  run of one view, the part of "full" that is not SQL;
- lower bound: one SQL statement, each inbound message's first brand reply (not before it)
  and calendar minutes, into a table;
- pandas: the same computation in pandas from the raw table (the read by DuckDB ``.df()``
  timed apart from the pandas part);
- incremental: the next day's messages and replies appended to raw, then
  ``dbt run --select +fct_care_messages`` (the care models are incremental);
- refresh: the same with ``--full-refresh`` on the same 366 days, compared row for row with
  the incremental result (every column but ``as_of`` and ``_built_at``: rows of answered
  messages the new day does not touch keep the values of the build that wrote them).
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

LOWER_BOUND = """
create or replace table bench_lower_bound as
select m.tweet_id, m.created_at, min(r.created_at) as first_response_at,
    date_diff('second', m.created_at, min(r.created_at)) / 60.0 as first_response_minutes
from raw.customer_support__tweets as m
left join raw.customer_support__tweets as r
    on r.in_response_to_tweet_id = m.tweet_id and not r.inbound and r.created_at >= m.created_at
where m.inbound
group by m.tweet_id, m.created_at
"""


def land(con, since: str, until: str, batch: str) -> int:
    """Append the generated tweets stamped in [since, until) to raw, with lineage columns."""
    con.execute(f"""
        insert into raw.customer_support__tweets
        select *, null::json, '{batch}', 'bench/{batch}.csv', row_number() over (), now()::timestamp
        from tweets where created_at >= '{since}' and created_at < '{until}'""")
    return con.execute(f"select count(*) from raw.customer_support__tweets where _batch_id = '{batch}'"
                       ).fetchone()[0]


def run_stage(stage: str, messages: int) -> dict:
    from groundswell.config import get_settings

    settings = get_settings()
    if stage == "generate":
        from groundswell.warehouse import writer

        n = messages * (DAYS + 1) // DAYS
        with writer(settings) as con:
            con.execute(GENERATE.format(n=n, days=DAYS + 1, end=END,
                                        brands=BRANDS, offset=10 * n))
            base = land(con, "2000-01-01", END, "base")
            inbound = con.execute("select count(*) from raw.customer_support__tweets where inbound"
                                  ).fetchone()[0]
            con.execute("create or replace table main.bench_new_day as select * from tweets "
                        f"where created_at >= '{END}' and created_at < cast('{END}' as date) + 1")
        return {"raw_rows": base, "inbound": inbound}
    if stage in ("seed", "full", "noop", "incremental", "refresh"):
        from groundswell import transform

        args = {"seed": ["seed"], "full": ["run", "--select", "+fct_care_messages"],
                "noop": ["run", "--select", "stg_customer_support__tweets"],
                "incremental": ["run", "--select", "+fct_care_messages"],
                "refresh": ["run", "--select", "+fct_care_messages", "--full-refresh"]}[stage]
        if stage == "refresh":
            _query(settings, "create or replace table main.bench_incremental as "
                             "select * exclude (as_of, _built_at) from marts.fct_care_messages")
        start = time.perf_counter()
        transform.run_dbt(args, settings)
        seconds = time.perf_counter() - start
        extra = {"seconds": seconds}
        if stage not in ("seed", "noop"):
            extra["rows"] = _query(settings, "select count(*) from marts.fct_care_messages")[0][0]
        if stage == "refresh":
            extra["differences"] = _query(settings, """select count(*) from (
                (select * exclude (as_of, _built_at) from marts.fct_care_messages except all
                 select * from main.bench_incremental)
                union all
                (select * from main.bench_incremental except all
                 select * exclude (as_of, _built_at) from marts.fct_care_messages))""")[0][0]
        return extra
    if stage == "append":
        from groundswell.warehouse import writer

        with writer(settings) as con:
            con.execute("create or replace temp table tweets as select * from main.bench_new_day")
            return {"raw_rows": land(con, END, "2100-01-01", "new_day")}
    if stage == "lower_bound":
        from groundswell.warehouse import connect

        con = connect(settings.warehouse_path)
        start = time.perf_counter()
        con.execute(LOWER_BOUND)
        seconds = time.perf_counter() - start
        rows = con.execute("select count(*) from bench_lower_bound").fetchone()[0]
        con.close()
        return {"seconds": seconds, "rows": rows}
    if stage == "pandas":
        import pandas as pd

        from groundswell.warehouse import connect

        con = connect(settings.warehouse_path, read_only=True)
        start = time.perf_counter()
        df = con.execute("select tweet_id, inbound, created_at, in_response_to_tweet_id "
                         "from raw.customer_support__tweets").df()
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


def _query(settings, sql: str) -> list[tuple]:
    from groundswell.warehouse import connect

    con = connect(settings.warehouse_path)
    try:
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
    env = dict(os.environ, GROUNDSWELL_HOME=str(home))
    print(f"# groundswell care benchmark, {date.today()}, {args.messages:,} messages, home={home}")
    print(f"# {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    try:
        r = {s: measure(s, args.messages, env)
             for s in ("generate", "seed", "full", "noop", "lower_bound", "pandas", "append", "incremental",
                       "refresh")}
    finally:
        if args.keep is None:
            shutil.rmtree(home.parent, ignore_errors=True)
    rows = [
        ("full build (dbt run +fct_care_messages)", r["full"]),
        ("no-op dbt (dbt run of one staging view)", r["noop"]),
        ("lower bound (one SQL statement)", r["lower_bound"]),
        ("pandas (merge + groupby; read apart)", r["pandas"]),
        (f"incremental (+1 day, {r['append']['raw_rows']:,} raw rows)", r["incremental"]),
        ("full refresh after the new day", r["refresh"]),
    ]
    print("| step | seconds | rows | rows/s | peak MB |")
    print("|---|---|---|---|---|")
    for name, s in rows:
        rows_cells = (f"{s['rows']:,} | {s['rows'] / s['seconds']:,.0f}" if "rows" in s else "- | -")
        print(f"| {name} | {s['seconds']:.2f} | {rows_cells} | {s['peak_rss_mb']:,.0f} |")
    full = r["full"]["seconds"]
    print(f"\npandas read (DuckDB .df()): {r['pandas']['read_seconds']} s; generate: "
          f"{r['generate']['seconds']} s")
    print(f"full / lower bound = {full / r['lower_bound']['seconds']:.2f} (target <= 3); "
          f"full / pandas = {full / r['pandas']['seconds']:.2f} (target < 1); "
          f"full minus no-op dbt / lower bound = "
          f"{(full - r['noop']['seconds']) / r['lower_bound']['seconds']:.2f}; "
          f"incremental / full = {r['incremental']['seconds'] / full:.3f}; "
          f"incremental vs full refresh: {r['refresh']['differences']} differing rows")


if __name__ == "__main__":
    main()
