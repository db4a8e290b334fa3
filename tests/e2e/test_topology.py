"""The production topology, natively (`make e2e`): PostgreSQL metadata, Airflow's api-server,
scheduler, dag-processor and triggerer as separate processes, LocalExecutor, and the dashboards
under gunicorn behind a login; everything driven as an operator would, through Airflow's REST API
and a real browser. docs/operations.md, "Deploying: the production topology".

Deselected from `make test` (marker `topology`): it takes minutes, the scheduler running every
task of the DAGs in its own process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from groundswell.config import Settings
from groundswell.land.sources import SOURCES
from groundswell.run.stack import ADMIN_USER, Stack, StackError
from groundswell.warehouse import connect

# Minutes, not seconds: every task of the DAGs starts its own process under the scheduler.
pytestmark = [pytest.mark.topology, pytest.mark.slow, pytest.mark.timeout(3600)]

#: Days of tiny demo data every test here lands (the backfill covers each of them with one run).
DAYS = int(os.environ.get("GROUNDSWELL_E2E_DAYS", "30"))
#: The demo generator's default last day (`groundswell generate --end-date`).
END = date(2026, 10, 31)
#: Columns that say when a row was landed or built: a re-landing or rebuild changes them, never the data.
LANDING_TIME_COLUMNS = {"_loaded_at", "_built_at"}
#: Marts whose grain is the landing batch: compared summed over their batches (a backfill lands a
#: batch a day where one land of everything lands one), by the columns that do not name a batch.
PER_BATCH = {"agg_care_coverage_batches": {"_batch_id"}}
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("topology") / "home"
    settings = Settings(home=home)
    # What `groundswell generate --scale tiny --days N` writes (the demo's own generator).
    from groundswell.land.demo import generate

    generate(settings.landing_dir, scale="tiny", days=DAYS, end_date=END)
    with Stack(settings=settings) as running:
        for dag_id in ("groundswell_land", "groundswell_build"):
            running.wait_for_dag(dag_id)
        yield running


@pytest.fixture(scope="module")
def landed_everything(stack, tmp_path_factory):
    """groundswell_land triggered through the REST API with scope=all, and the build run its Assets
    triggered: (land run id, build run id, a copy of the snapshot that build published)."""
    land = stack.wait_for_dag("groundswell_land")
    known_builds = {r["dag_run_id"] for r in stack.runs("groundswell_build")}
    # Triggered at the logical date the scheduler would give its next run, before unpausing:
    # the scheduler then finds that run there and does not add one of its own (catchup is off).
    run_id = stack.trigger("groundswell_land", conf={"scope": "all"},
                           logical_date=land["next_dagrun_logical_date"])
    stack.set_paused("groundswell_build", False)
    stack.set_paused("groundswell_land", False)
    stack.wait_for_run("groundswell_land", run_id, timeout=600)
    build_id = stack.wait_for_new_run("groundswell_build", known_builds, timeout=120)
    stack.wait_for_run("groundswell_build", build_id, timeout=1500)
    snapshot = tmp_path_factory.mktemp("scope-all") / "warehouse.duckdb"
    shutil.copyfile(stack.settings.published_path, snapshot)
    return run_id, build_id, snapshot


def test_the_api_refuses_default_or_missing_credentials(stack):
    """No default password anywhere: admin/admin gets no token, the API wants one, the dashboards a
    login; the generated password works."""
    refused = httpx.post(f"{stack.api_url}/auth/token", json={"username": ADMIN_USER, "password": "admin"})
    assert refused.status_code == 401
    assert httpx.get(f"{stack.api_url}/api/v2/dags").status_code == 401
    assert stack.api("GET", "/dags").json()["total_entries"] >= 3
    assert httpx.get(stack.dashboard_url + "/").status_code == 401
    assert httpx.get(stack.dashboard_url + "/", auth=(stack.dashboard_user, "admin")).status_code == 401
    # The metadata database is the stack's Postgres, not SQLite.
    assert stack.env()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://airflow:")
    assert not (stack.settings.airflow_home / "airflow.db").exists()


def test_land_through_the_rest_api_triggers_the_build_which_publishes(stack, landed_everything):
    run_id, build_id, snapshot = landed_everything
    land_tis = stack.task_instances("groundswell_land", run_id)
    landers = {t["task_id"] for t in land_tis if t["task_id"].startswith("land_")}
    assert landers == {f"land_{s.family}" for s in SOURCES.values()}
    assert {t["state"] for t in land_tis if t["task_id"].startswith("land_")} == {"success"}
    build = next(r for r in stack.runs("groundswell_build") if r["dag_run_id"] == build_id)
    assert build["run_type"] == "asset_triggered"
    states = {t["task_id"]: t["state"] for t in stack.task_instances("groundswell_build", build_id)}
    for task in ("prepare", "enrich", "dbt.fct_post_performance_model_build", "validate", "publish"):
        assert states[task] == "success", task
    # Every task ran under the scheduler's LocalExecutor, on separate hosts' worth of processes:
    # the api-server served them their work (no `airflow dags test` anywhere).
    assert "LocalExecutor" in (stack.log_dir / "airflow-scheduler.log").read_text()
    con = connect(snapshot, read_only=True)
    try:
        assert con.execute("select run_id from meta.snapshot").fetchone()[0] == build_id
        posts = con.execute("select count(*) from marts.fct_post_performance").fetchone()[0]
    finally:
        con.close()
    assert posts > 50


def test_the_dashboards_show_the_published_snapshot_behind_the_login(stack, landed_everything, browser):
    from dashboards.overview import queries as overview_queries
    from dashboards.shared import figures as shared_figures
    from groundswell.warehouse import published

    with published(stack.settings) as con:
        opts = overview_queries.overview_options(con)
        posts = overview_queries.kpis(con, opts.first_date, opts.last_date, [])["posts"]
    assert posts > 50
    context = browser.new_context(http_credentials={"username": stack.dashboard_user,
                                                    "password": stack.dashboard_password})
    try:
        page = context.new_page()
        response = page.goto(stack.dashboard_url + "/")
        assert response is not None and response.status == 200
        page.locator("#kpi-posts-value").filter(has_text=shared_figures.fmt_count(posts)).wait_for(timeout=60_000)
        assert page.locator("#overview-engagements .js-plotly-plot").count() == 1
    finally:
        context.close()


def test_a_backfill_builds_the_same_marts_as_one_land_of_everything(stack, landed_everything):
    """`airflow backfill create` over every day, one land run per day under the scheduler, then the
    build: the marts equal, row for row, those built after one land run with scope=all (the
    snapshot of the first tests, from the same landing folder in a writer started from nothing)."""
    _, _, reference = landed_everything
    settings = stack.settings
    # Start from nothing: what remains is the landing folder, as in a new deployment (no lake, no writer).
    stack.set_paused("groundswell_build", True)
    for path in (settings.warehouse_path, Path(f"{settings.warehouse_path}.wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(settings.raw_lake.root)
    known = {r["dag_run_id"] for r in stack.runs("groundswell_land")}
    first, last = END - timedelta(days=DAYS - 1), END
    # The run whose data interval is day D has the logical date D 02:00 (the window is inclusive).
    started = time.monotonic()
    stack.run("airflow-backfill-create", [
        "airflow", "backfill", "create", "--dag-id", "groundswell_land",
        "--from-date", f"{first.isoformat()}T02:00:00+00:00",
        "--to-date", f"{last.isoformat()}T02:00:00+00:00",
        "--max-active-runs", "2", "--reprocess-behavior", "completed"])
    deadline = time.time() + 60 * 60
    while True:
        runs = [r for r in stack.runs("groundswell_land", run_type="backfill")
                if r["dag_run_id"] not in known]
        if len(runs) == DAYS and all(r["state"] in ("success", "failed") for r in runs):
            break
        stack.check_alive()
        assert time.time() < deadline, f"backfill unfinished: {[r['state'] for r in runs]}"
        time.sleep(5)
    # docs/operations.md quotes it: the backfill of make e2e (E2E_DAYS=30 for a month).
    print(f"backfill of {DAYS} days under the scheduler: {time.monotonic() - started:.0f} s")
    failed = [r for r in runs if r["state"] != "success"]
    assert not failed, stack.describe_run("groundswell_land", failed[0]["dag_run_id"])
    assert sorted(r["data_interval_start"][:10] for r in runs) == [
        (first + timedelta(days=i)).isoformat() for i in range(DAYS)]

    # The build: the same dbt build, gate and publish as groundswell_build (whose run under the
    # scheduler the reference above already is), without a second ten minutes of task start-ups.
    stack.run("groundswell-build", ["groundswell", "build"])

    diffs = marts_differences(reference, settings.published_path)
    assert diffs == {}, diffs


def marts_differences(left: Path, right: Path) -> dict[str, tuple]:
    """Every table of ``marts`` whose rows differ between two snapshots (landing-time columns aside):
    table -> (rows only in left, rows only in right, columns, a sample), multiset semantics
    (``except all``)."""
    con = connect(left, read_only=True)
    try:
        con.execute("attach ? as other (read_only)", [str(right)])
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database() "
            "and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1").fetchall()]
        other = {t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'other' "
            "and table_schema = 'marts' and table_type = 'BASE TABLE'").fetchall()}
        assert len(tables) >= 10 and set(tables) == other
        diffs = {}
        for table in tables:
            columns = [(c, t) for (c, t) in con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = "
                "current_database() and table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table]).fetchall() if c not in LANDING_TIME_COLUMNS]
            # DuckDB adds floats in the order rows arrive: one batch and thirty give sums a unit in
            # the last place apart (6668.725 against 6668.724999999999). Doubles compare to 1e-6.
            cols = ", ".join(f'round("{c}", 6) as "{c}"' if t in FLOAT_TYPES else f'"{c}"'
                             for c, t in columns)
            a = f"select {cols} from marts.{table}"
            b = f"select {cols} from other.marts.{table}"
            if table in PER_BATCH:
                columns = [(c, t) for c, t in columns if c not in PER_BATCH[table]]
                keys = ", ".join(f'"{c}"' for c, t in columns if t == "VARCHAR")
                sums = ", ".join(f'sum("{c}")::bigint as "{c}"' for c, t in columns if t != "VARCHAR")
                a = f"select {keys}, {sums} from marts.{table} group by all"
                b = f"select {keys}, {sums} from other.marts.{table} group by all"
            only_left = con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
            only_right = con.execute(f"select count(*) from ({b} except all {a})").fetchone()[0]
            if only_left or only_right:
                sample = con.execute(f"select * from ({a} except all {b}) limit 2").fetchall()
                diffs[table] = (only_left, only_right, [c for c, _ in columns], sample)
        return diffs
    finally:
        con.close()


def test_the_stack_command_stops_every_process_and_the_cluster_on_ctrl_c(tmp_path):
    """`python -m groundswell.run.stack` (make stack) on an empty home: up, then SIGINT: no process it
    started survives (Postgres included) and the temporary cluster is gone."""
    env = dict(os.environ, GROUNDSWELL_HOME=str(tmp_path / "home"))
    log = tmp_path / "stack.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "groundswell.run.stack"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    started: set[int] = set()
    try:
        deadline = time.time() + 240
        while "Logs:" not in log.read_text():
            assert proc.poll() is None and time.time() < deadline, log.read_text()
            time.sleep(1)
        cluster = Path(next(line.split("cluster in ", 1)[1].rstrip(")") for line in
                           log.read_text().splitlines() if "cluster in " in line))
        postmaster = int((cluster / "data" / "postmaster.pid").read_text().split()[0])
        started = descendants(proc.pid) | {postmaster}
        assert len(started) >= 6  # api-server, scheduler, dag-processor, triggerer, gunicorn, postgres
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        alive = {pid for pid in started if Path(f"/proc/{pid}").exists() and not zombie(pid)}
        for pid in alive:  # a failed check must not leave a stack running on the machine
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert alive == set(), log.read_text()
    assert not cluster.exists()


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


def test_a_failing_start_stops_what_it_started(tmp_path):
    """The api-server cannot bind its port (taken): start() raises with its log, after ending the
    services already running (the scheduler, ...) and the Postgres cluster."""
    home = tmp_path / "home"
    stack = Stack(settings=Settings(home=home), dashboards=False)
    clusters_before = _processes("groundswell-pg-")
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", stack.api_port))
        taken.listen()
        with pytest.raises(StackError, match="airflow-api-server did not answer"):
            stack.start()
    assert (stack.log_dir / "airflow-scheduler.log").exists()  # it had started
    assert _processes(f"GROUNDSWELL_HOME={home}", environ=True) == set()
    assert _processes("groundswell-pg-") <= clusters_before
    assert stack.postgres is None and stack.services == []


def _processes(needle: str, environ: bool = False) -> set[int]:
    """Live processes whose command line (or environment) contains ``needle``."""
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            text = (proc / ("environ" if environ else "cmdline")).read_bytes()
        except OSError:
            continue
        if needle.encode() in text.split(b"\0") or (not environ and needle.encode() in text):
            if not zombie(int(proc.name)):
                found.add(int(proc.name))
    return found
