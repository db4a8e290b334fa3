"""The ``groundswell`` command: demo, generate, load, build, serve and friends.

Every command calls the same library functions the DAGs call; ``--help`` on
each says what it reads and writes.  Everything a command writes lands under
``GROUNDSWELL_HOME`` (default ``./.groundswell``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
from pathlib import Path

import click

from groundswell.config import ConfigError, get_settings

log = logging.getLogger(__name__)

HOME_HELP = "Everything is read from and written under $GROUNDSWELL_HOME (default ./.groundswell)."


def _fail_cleanly(func):
    """Known failures print their message (which says what to do), not a traceback."""
    from functools import wraps

    @wraps(func)
    def wrapper(*args, **kwargs):
        from groundswell.gate.quality import ValidationFailedError
        from groundswell.land.landing import LandingError
        from groundswell.land.readers.http import ReaderError
        from groundswell.land.sources import UnknownSourceError
        from groundswell.publish.snapshots import RollbackError
        from groundswell.run.airflow_runner import AirflowRunError
        from groundswell.transform.dbt import DbtError
        from groundswell.transform.enrichment import EnrichmentConfigError
        from groundswell.warehouse import SnapshotMissingError

        try:
            return func(*args, **kwargs)
        except (ConfigError, LandingError, UnknownSourceError, SnapshotMissingError,
                ValidationFailedError, DbtError, AirflowRunError, FileExistsError, ReaderError,
                EnrichmentConfigError, RollbackError) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@click.group(epilog=HOME_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Log progress (INFO) to stderr.")
@click.version_option(package_name="groundswell")
def main(verbose: bool) -> None:
    """groundswell: the analytics warehouse for a company's social media program.

    Land social, care, CRM and cost data; build social ROI, response-time and
    maturity metrics with dbt; gate them with Great Expectations; serve them
    to executives with Dash.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from groundswell.runs import start_cli_run

    start_cli_run()


@main.command()
@click.option("--scale", type=click.Choice(["tiny", "small", "default"]), default="small",
              show_default=True, help="How much demo data: 14, 90 or 365 days.")
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same data).")
@click.option("--no-serve", is_flag=True, help="Stop after publishing instead of serving.")
@click.option("--port", type=int, default=8050, show_default=True, help="Dashboard port.")
@_fail_cleanly
def demo(scale: str, seed: int | None, no_serve: bool, port: int) -> None:
    """Generate demo data, run the pipeline through real Airflow, publish and serve.

    Runs `airflow dags test` of groundswell_land (every partition) and
    groundswell_build (dbt, validation gate, publish) with SQLite metadata
    under $GROUNDSWELL_HOME/airflow, then serves the dashboards without a
    login on http://localhost:PORT until Ctrl-C.
    """
    from groundswell.land.demo import DEFAULT_SEED, generate
    from groundswell.run import airflow_runner

    settings = get_settings()
    settings.check_project()
    _reset_demo_warehouse(settings)
    click.echo(f"[1/4] generating {scale} demo data into {settings.landing_dir}")
    result = generate(settings.landing_dir, seed=DEFAULT_SEED if seed is None else seed,
                      scale=scale)
    click.echo(f"      {result.start_date} to {result.end_date}: {result.summary()}")
    click.echo("[2/4] preparing Airflow (SQLite metadata, pool duckdb_writer)")
    airflow_runner.init(settings)
    click.echo("[3/4] airflow dags test groundswell_land (every partition)")
    airflow_runner.dags_test("groundswell_land", settings, conf={"scope": "all"})
    click.echo("[4/4] airflow dags test groundswell_build (dbt, validation gate, publish)")
    airflow_runner.dags_test("groundswell_build", settings)
    _print_published(settings)
    if not no_serve:
        _serve(settings, port=port, host="0.0.0.0", demo_mode=True)


def _reset_demo_warehouse(settings) -> None:
    """A demo starts from an empty writer, so a smaller rerun shows only its own data."""
    from groundswell.land.demo.generator import DEMO_MARKER

    if settings.warehouse_path.exists() and not (settings.landing_dir / DEMO_MARKER).exists():
        raise FileExistsError(
            f"{settings.home} holds a warehouse the demo did not make: run the demo with another "
            "GROUNDSWELL_HOME (e.g. GROUNDSWELL_HOME=./demo-home groundswell demo)"
        )
    for path in (settings.warehouse_path, Path(f"{settings.warehouse_path}.wal")):
        path.unlink(missing_ok=True)


@main.command()
@click.option("--airflow", "with_airflow", is_flag=True,
              help="Also create the embedded Airflow metadata (SQLite) and the writer pool.")
@_fail_cleanly
def init(with_airflow: bool) -> None:
    """Prepare $GROUNDSWELL_HOME: raw tables, the dbt manifest the DAGs render from.

    Idempotent; docker-compose's airflow-init service runs it after
    `airflow db migrate`.
    """
    from groundswell.run import airflow_runner, build
    from groundswell.transform import dbt as transform

    settings = get_settings()
    settings.check_project()
    click.echo(f"warehouse: {build.prepare(settings, build.Options())}")
    click.echo(f"dbt manifest: {transform.parse(settings)}")
    if with_airflow:
        airflow_runner.init(settings)
        click.echo(f"airflow metadata: {settings.airflow_home}")


@main.command()
@click.option("--scale", type=click.Choice(["tiny", "small", "default", "large"]), default="tiny",
              show_default=True, help="tiny: 14 days, seconds; small: 90 days (the demo); default: a year; "
              "large: a year at benchmark volume (10M+ customer messages, 70M mentions: about half an "
              "hour and 60 GB; --days N writes N days of it). Table: docs/sources.md.")
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same bytes).")
@click.option("--end-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Last day of data (default 2026-10-31).")
@click.option("--days", type=click.IntRange(1, 3660), default=None,
              help="Days to write at the scale's daily volumes (default: the scale's window).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Landing folder to write (default $GROUNDSWELL_HOME/landing).")
@_fail_cleanly
def generate(scale: str, seed: int | None, end_date, days: int | None, out: Path | None) -> None:
    """Write deterministic demo file drops in real raw shapes.

    Every source family of docs/sources.md (X, Facebook, Instagram, LinkedIn,
    YouTube API pages; listening mentions; CRM, web sessions, costs, community,
    survey exports), one dt=YYYY-MM-DD folder per day, with the same customers
    across families, injected crisis episodes (landing/_demo/episodes.json) and
    business units at every maturity stage.  A few records are malformed on purpose.
    """
    from groundswell.land.demo import DEFAULT_END_DATE, DEFAULT_SEED
    from groundswell.land.demo import generate as run

    settings = get_settings()
    result = run(out or settings.landing_dir, seed=DEFAULT_SEED if seed is None else seed,
                 scale=scale, end_date=end_date.date() if end_date else DEFAULT_END_DATE, days=days)
    click.echo(f"wrote {result.files} files to {result.out_dir}, {result.start_date} to {result.end_date}: "
               f"{result.summary()} ({result.malformed} malformed on purpose, "
               f"{len(result.episodes)} crisis episodes injected)")


@main.command()
@click.argument("source", metavar="SOURCE")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_fail_cleanly
def load(source: str, paths: tuple[Path, ...]) -> None:
    """Land files of SOURCE into raw.* as one batch.

    PATHS are files or folders (searched recursively for the source's files).
    Landing the same files again replaces them; bad records go to
    raw.quarantine with the reason.  `groundswell sources` lists SOURCE names.

    \b
    Imports of real data:
      groundswell load twcs twcs.csv                 Kaggle "Customer Support on Twitter"
      groundswell load airline-sentiment Tweets.csv  Kaggle "Twitter US Airline Sentiment"
      groundswell load fivetran DIR                  every Fivetran connector table in DIR
    """
    from groundswell.land.landing import land_files, land_group
    from groundswell.land.sources import SOURCE_GROUPS

    if source in SOURCE_GROUPS:
        if len(paths) != 1:
            raise click.UsageError(f"`load {source}` takes one folder holding the {source} tables")
        results = land_group(source, paths[0], get_settings())
    else:
        results = [land_files(source, paths, get_settings())]
    for result in results:
        click.echo(f"{result.table}: received {result.received}, landed {result.landed}, "
                   f"quarantined {result.quarantined} (batch {result.batch_id}, "
                   f"{len(result.files)} files)")
        if result.quarantined:
            click.echo(f"  see them: {_command()} quarantine --batch {result.batch_id}")


@main.command()
@click.option("--batch", "batch_id", help="One batch (its id: `groundswell load` prints it, and so "
              "does a failed gate).")
@click.option("--source", "source_key", help="One source's quarantined records (its key).")
@click.option("--limit", type=int, default=20, show_default=True, help="Records shown (0: all).")
@_fail_cleanly
def quarantine(batch_id: str | None, source_key: str | None, limit: int) -> None:
    """Show quarantined records: why each was refused, where it came from, what it held.

    First the reasons with their counts, then the records (file, record number, reason,
    the original payload: its text, or its bytes in base64 when they are not UTF-8).
    Correct the file and land it again: its batch is replaced, and the gate judges the new one.
    """
    from groundswell.warehouse import lake_reader

    where, params = [], []
    if batch_id:
        where.append("batch_id = ?")
        params.append(batch_id)
    if source_key:
        where.append("source = ?")
        params.append(source_key)
    condition = ("where " + " and ".join(where)) if where else ""
    with lake_reader(get_settings()) as con:
        reasons = con.execute(
            "select source, batch_id, case when reason like 'duplicate %' "
            "then regexp_replace(reason, '^(duplicate \\S+) .*$', '\\1 within the batch') "
            "else regexp_replace(reason, ': .*$', ': …') end as kind, count(*) "
            f"from raw.quarantine {condition} group by all order by 4 desc, 1, 2, 3", params).fetchall()
        if not reasons:
            click.echo("no quarantined records" + (f" for {' and '.join(where)}" if where else ""))
            return
        for source, batch, kind, count in reasons:
            click.echo(f"{count:>8,}  {source}  {batch}  {kind}")
        rows = con.execute(
            "select source_file, record_no, reason, payload_encoding, payload "
            f"from raw.quarantine {condition} order by source_file, record_no"
            + (f" limit {int(limit)}" if limit else ""), params).fetchall()
    click.echo("")
    for source_file, record_no, reason, encoding, payload in rows:
        shown = (payload or "").replace("\n", "\\n")
        click.echo(f"{source_file}:{record_no}  {reason}\n    {encoding or 'utf-8'}: "
                   f"{shown[:300]}{'…' if len(shown) > 300 else ''}")


@main.command()
@_fail_cleanly
def land() -> None:
    """Land every partition of every source found under $GROUNDSWELL_HOME/landing.

    What the groundswell_land DAG does with scope "all", without Airflow. Each batch
    replaces what its files landed before: landing twice, or again after a crash, never
    duplicates (docs/operations.md).
    """
    from groundswell.land.landing import land_everything

    results = land_everything(get_settings())
    received, landed, quarantined = (sum(getattr(r, f) for r in results)
                                     for f in ("received", "landed", "quarantined"))
    click.echo(f"landed {len(results)} batches: received {received:,}, landed {landed:,}, "
               f"quarantined {quarantined:,}")


@main.command()
@click.argument("reader", type=click.Choice(["x", "x-followers", "facebook"]))
@click.option("--start", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None,
              help="Fetch this window (UTC) instead of everything after the saved cursor.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None,
              help="End of the window (exclusive); with --start.")
@click.option("--land", "then_land", is_flag=True, help="Land the fetched pages right away.")
@_fail_cleanly
def fetch(reader: str, start, end, then_land: bool) -> None:
    """Fetch the brand accounts' pages from the X or Facebook API into the landing folder.

    Accounts come from dbt/seeds/brand_accounts.csv; tokens only from the
    environment (GROUNDSWELL_X_BEARER_TOKEN, GROUNDSWELL_FACEBOOK_ACCESS_TOKEN)
    or the Airflow connections groundswell_x / groundswell_facebook.  Without
    --start, fetches what is new since the last run (a cursor per account).
    With --start/--end, x and facebook also fetch again the accounts' own posts of
    the GROUNDSWELL_POST_METRICS_WINDOW_DAYS (default 28) before --start, for their
    current metrics.
    x-followers fetches each account's whole follower list every time (a snapshot).
    """
    from datetime import UTC

    from groundswell.land.readers import READERS, fetch_incremental, fetch_interval

    settings = get_settings()
    if (start is None) != (end is None):
        raise click.UsageError("give --start and --end together, or neither")
    if start is not None:
        result = fetch_interval(reader, start.replace(tzinfo=UTC), end.replace(tzinfo=UTC), settings)
    else:
        result = fetch_incremental(reader, settings)
    click.echo(f"fetched {result.records} records in {result.pages} pages into "
               f"{len(result.files)} files (partition dt={result.partition})")
    if then_land and result.files:
        from groundswell.land.landing import land_files

        landed = land_files(READERS[reader].source_key, result.files, settings)
        click.echo(f"{landed.table}: received {landed.received}, landed {landed.landed}, "
                   f"quarantined {landed.quarantined}")


@main.command()
def sources() -> None:
    """List the sources `groundswell load` accepts, with their raw tables and shapes."""
    from groundswell.land.sources import SOURCE_GROUPS, SOURCES

    for s in SOURCES.values():
        click.echo(f"{s.key:34} -> {s.qualified_table:52} {s.format}")
    for group, keys in SOURCE_GROUPS.items():
        click.echo(f"{group:34} -> the {len(keys)} {group}-* tables found in a folder")
    click.echo("Contracts and file shapes: docs/sources.md")


@main.command()
@_fail_cleanly
def enrich() -> None:
    """Score sentiment, complaint type and topic of new inbound texts into enrichment.texts.

    Reads customers' messages and mentions from the raw tables (X, Facebook,
    listening, the Kaggle imports) and scores only records that are new or
    changed, or every record when the rules changed (VADER's version, the seeds
    dbt/seeds/complaint_topics.csv and complaint_responses.csv).  `build` runs
    it before dbt.  Definitions: docs/metrics.md.
    """
    from groundswell.transform.enrichment import enrich as run

    result = run(get_settings())
    click.echo(f"enrichment.texts: {result.summary()}")


@main.command()
@click.option("--select", default=None, help="dbt selection (default: the whole project).")
@click.option("--full-refresh", is_flag=True,
              help="Rebuild incremental models and reload seeds from scratch: once after "
                   "upgrading groundswell, or after editing a seed (docs/operations.md).")
@click.option("-v", "--verbose", is_flag=True,
              help="Print everything dbt, Great Expectations and the steps say as they run, instead "
                   "of one line per step (the rest in the build's log file).")
@_fail_cleanly
def build(select: str | None, full_refresh: bool, verbose: bool) -> None:
    """Source freshness, enrichment, dbt build, then the validation gate, then publish the snapshot.

    Without Airflow: the steps of the groundswell_build DAG (groundswell.run.build), in its
    order.  A failed dbt test or expectation stops before publish; the snapshot dashboards read
    stays as it was.  Prints a line per step and a summary; dbt's output per node and every
    library's log go to $GROUNDSWELL_HOME/logs/build-<run>.log (--verbose: on the terminal).
    """
    import time

    from groundswell.run import build as pipeline
    from groundswell.runs import current_run
    from groundswell.transform.dbt import DbtError

    settings = get_settings()
    verbose = verbose or bool(click.get_current_context().find_root().params.get("verbose"))
    options = pipeline.Options(select=select, full_refresh=full_refresh)
    log_file = None if verbose else settings.logs_dir / f"build-{_file_safe(current_run()[1])}.log"
    started = time.monotonic()
    said: dict[str, str] = {}  # each step's line
    with _build_log(log_file) if log_file else contextlib.nullcontext():
        result = None
        for step in pipeline.STEPS:
            if step.dag_only:
                continue
            if verbose:
                click.echo(f"{step.name}: {step.does}")
            else:
                click.echo(f"{step.name:<11}", nl=False)  # the line ends when the step does
            if log_file:  # where each step begins and ends, in the log
                log.info("== %s: %s", step.name, step.does)
            step_started = time.monotonic()
            try:
                result = step.run(settings, options, result)
            except BaseException as exc:
                if log_file:  # the traceback, for whoever reads the log
                    log.exception("%s failed", step.name)
                seconds = time.monotonic() - step_started
                ended = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
                click.echo(f"{step.name + ' ' if verbose else ''}{ended} after {seconds:.1f} s")
                if log_file and not isinstance(exc, DbtError):  # dbt's error names the log itself
                    click.echo(f"log: {log_file}")
                raise
            said[step.name] = line = _STEP_SAYS.get(step.name, _said)(result, settings)
            if log_file:
                log.info("== %s: %s", step.name, line)
            seconds = time.monotonic() - step_started
            click.echo(f"{step.name + ' ' if verbose else ''}{line:<62} {seconds:6.1f} s")
    click.echo(_build_summary(said, time.monotonic() - started))
    _print_published(settings, Path(result))
    if log_file:
        click.echo(f"log: {log_file}")


def _file_safe(name: str) -> str:
    """A run id as part of a file name (``cli__2026-12-06T05:34:33.1`` -> ``cli__2026-12-06T05-34-33.1``)."""
    import re

    return re.sub(r"[^\w.-]", "-", name)


@contextlib.contextmanager
def _build_log(log_file: Path):
    """Everything but the build's own lines into ``log_file``: dbt's console output (a line per
    node), every library's log records (Great Expectations' INFO, enrichment's progress) and
    Python's warnings. The terminal is left to the steps' lines and the errors that stop the build."""
    from groundswell.transform.dbt import console_to_log

    try:
        # Importing Airflow (the freshness step's alerts do) replaces the root logger's handlers with
        # its own on stdout at INFO: import it first, then put ours in their place.
        import airflow  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency
        pass
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    try:
        with console_to_log(log_file):
            yield
    finally:
        logging.captureWarnings(False)
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        handler.close()


def _said(result, settings) -> str:
    """A step's result in a few words: counts, a summary, or what it returned."""
    if isinstance(result, dict):
        return _counts(result)
    if hasattr(result, "summary"):
        return result.summary()
    return "done" if result is None else str(result)


def _prepare_said(result, settings) -> str:
    return f"raw tables readable in {result}"


def _freshness_said(counts: dict[str, int], settings) -> str:
    """``12 sources fresh, 2 late (x.x__tweets: warn, ...), 33 never landed (no rows yet)``: a source
    with no rows is not late, only not there yet (a deployment that uses no Fivetran connector
    never fills those tables)."""
    late = sum(n for status, n in counts.items() if status not in ("pass", "no data"))
    parts = []
    if counts.get("pass"):
        parts.append(f"{counts['pass']:,} fresh")
    if late:
        parts.append(f"{late:,} late ({_late_sources(settings)}; Data health shows them)")
    if counts.get("no data"):
        parts.append(f"{counts['no data']:,} never landed (no rows yet)")
        log.info("%d sources have no rows yet: dbt calls them ERROR STALE above, but they are not late "
                 "(ops.source_freshness: status 'no data')", counts["no data"])
    if not parts:
        return "no source has a freshness check"
    number, rest = parts[0].split(" ", 1)
    return ", ".join([f"{number} source{'' if number == '1' else 's'} {rest}", *parts[1:]])


def _late_sources(settings, shown: int = 3) -> str:
    """This run's late sources, from ops.source_freshness (where the freshness step wrote them)."""
    from groundswell.runs import current_run
    from groundswell.warehouse import writer

    with writer(settings) as con:
        rows = con.execute("select source_name || '.' || table_name, status from ops.source_freshness "
                           "where run_id = ? and status not in ('pass', 'no data') order by 1",
                           [current_run()[1]]).fetchall()
    named = ", ".join(f"{name}: {status}" for name, status in rows[:shown])
    return named + (f" and {len(rows) - shown} more" if len(rows) > shown else "")


def _enrich_said(result, settings) -> str:
    return (f"{result.candidates:,} texts scored ({result.scored:,} distinct), "
            f"{result.unchanged:,} unchanged")


def _dbt_said(counts: dict[str, int], settings=None) -> str:
    """``70 models and 15 seeds built, 436 tests passed, 0 failed`` (and any other outcome)."""
    built = " and ".join(f"{n:,} {what.removesuffix(' built')}" for what, n in counts.items()
                         if what.endswith(" built"))
    parts = [f"{built or 'nothing'} built", f"{counts.get('tests passed', 0):,} tests passed",
             f"{counts.get('tests failed', 0):,} failed"]
    parts += [f"{n:,} {what}" for what, n in counts.items()
              if not what.endswith(" built") and what not in ("tests passed", "tests failed")]
    return ", ".join(parts)


def _gate_report(candidate) -> dict:
    """The gate's report, which it leaves beside the candidate for the publish step."""
    import json

    from groundswell.gate.candidate import candidate_report_path

    path = candidate_report_path(Path(str(candidate)))
    return json.loads(path.read_text()) if path.exists() else {"suites": []}


def _validate_said(candidate, settings) -> str:
    suites = _gate_report(candidate)["suites"]
    passed = sum(1 for s in suites if s["success"])
    return f"{passed} of {len(suites)} suites passed on {sum(s['rows'] for s in suites):,} rows"


def _publish_said(result, settings) -> str:
    from groundswell.publish.snapshots import current_snapshot_id

    return f"snapshot {current_snapshot_id(settings)} is the published one"


_STEP_SAYS = {"prepare": _prepare_said, "freshness": _freshness_said, "enrich": _enrich_said,
              "dbt": _dbt_said, "validate": _validate_said, "publish": _publish_said}


def _build_summary(said: dict[str, str], seconds: float) -> str:
    """The build in one line: what dbt built and tested, what the gate passed."""
    return "; ".join([f"built in {seconds:.1f} s",
                      *(f"{what}: {said[step]}" for step, what in (("dbt", "dbt"), ("validate", "gate"))
                        if step in said)])


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "none"


@main.command()
@_fail_cleanly
def snapshots() -> None:
    """List the kept published snapshots (GROUNDSWELL_SNAPSHOTS_KEEP, default 5), oldest first."""
    from groundswell.publish.snapshots import snapshots as kept

    rows = kept(get_settings())
    if not rows:
        click.echo("no snapshot published yet")
    for row in rows:
        click.echo(f"{'*' if row['current'] else ' '} {row['snapshot_id']}  published {row['published_at']}"
                   f"  run {row['run_id']}  {row['bytes'] / 1e6:.1f} MB")


@main.command()
@click.option("--to", "to", multiple=True, metavar="ADDRESS",
              help="Send it to this address (repeatable), with the business units of the dashboard "
                   "user whose email it is. Default: every dashboard user with an email, or the "
                   "groundswell_alerts connection's `to`.")
@click.option("--pdf", "pdf_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the PDF here; without --to, only write it (every unit, nothing sent).")
@click.option("--week-ending", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The week's last UTC day (default: the newest day of data in the snapshot).")
@click.option("--force", is_flag=True, help="Send again to recipients who already got this week's.")
@_fail_cleanly
def digest(to: tuple[str, ...], pdf_path: Path | None, week_ending, force: bool) -> None:
    """The weekly executive digest of the published snapshot: last week against the week
    before, by e-mail (HTML, the PDF attached) through the groundswell_alerts connection (SMTP);
    each recipient sees their business units' rows (docs/operations.md, "The weekly digest")."""
    from groundswell.serve.alerts import AlertDeliveryError
    from groundswell.serve.digest import run

    try:
        done = run(get_settings(), to, pdf_path, week_ending.date() if week_ending else None, force)
    except AlertDeliveryError as exc:
        raise click.ClickException(str(exc)) from exc
    said = []
    if done["sent"] or done["skipped"]:
        said.append(f"sent to {', '.join(done['sent'])}" if done["sent"] else "sent to nobody")
    if done["skipped"]:
        said.append(f"already sent to {', '.join(done['skipped'])} (--force sends again)")
    if done["pdf"]:
        said.append(f"PDF {done['pdf']}" if done["sent"] or done["skipped"]
                    else f"PDF written to {done['pdf']} (every business unit; nothing sent)")
    click.echo(f"digest of the week ending {done['week_end']}: " + "; ".join(said))


@main.command()
@click.option("--to", "to", default=None, metavar="SNAPSHOT_ID",
              help="A kept snapshot (`groundswell snapshots`); default: the one before the current.")
@_fail_cleanly
def rollback(to: str | None) -> None:
    """Publish the previous snapshot again (atomic swap; dashboards see it on their next request).

    For a bad snapshot that passed the gate. The snapshot rolled back from stays kept
    (undo with --to); the next build publishes as usual, so fix the cause first.
    """
    from groundswell.publish.snapshots import rollback as swap

    settings = get_settings()
    restored = swap(settings, to=to)
    click.echo(f"rolled back: {settings.published_path} is snapshot {restored}")
    _print_published(settings)


#: The headline marts of each domain, as the closing line counts them: (table, rows called).
HEADLINE_MARTS = (("marts.fct_post_performance", "posts"), ("marts.fct_care_messages", "care messages"),
                  ("marts.fct_mentions", "mentions"), ("marts.fct_social_roi", "ROI rows"))


def _command() -> str:
    """How the user called this program, to repeat in a hint: ``.venv/bin/groundswell`` from the
    checkout (make installs no global command), else the name on PATH."""
    import shutil
    import sys

    called = Path(sys.argv[0])
    if called.name != "groundswell" or shutil.which("groundswell") == str(called):
        return "groundswell"
    try:
        return str(called.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(called)


def _print_published(settings, target: Path | None = None) -> None:
    """The snapshot's headline counts, and a query to start from on what it holds (posts after a
    care-only load would be no help)."""
    from groundswell.warehouse import has_table, published

    with published(settings) as con:
        counts = {table: con.execute(f"select count(*) from {table}").fetchone()[0]
                  for table, _rows in HEADLINE_MARTS if has_table(con, table)}
    shown = [f"{table}: {counts[table]:,} {rows}" for table, rows in HEADLINE_MARTS if table in counts]
    click.echo(f"published {target or settings.published_path} ({'; '.join(shown)})")
    start = next((t for t, _rows in HEADLINE_MARTS if counts.get(t)), HEADLINE_MARTS[0][0])
    click.echo(f'  query it: {_command()} sql "select * from {start} limit 5"')


@main.command()
@click.argument("query")
@click.option("--max-rows", type=int, default=40, show_default=True)
@click.option("--writer", "on_writer", is_flag=True,
              help="Query the pipeline's own warehouse.duckdb (raw, staging, quarantined payloads) "
                   "instead of the snapshot; read-only, and only while no pipeline task writes it. "
                   "Before anything was built: the raw lake alone.")
@_fail_cleanly
def sql(query: str, max_rows: int, on_writer: bool) -> None:
    """Run a read-only SQL QUERY on the published snapshot and print the result.

    The snapshot is opened read-only, exactly as the dashboards open it, so a
    running pipeline is never disturbed.  Any DuckDB client can do the same:
    duckdb.connect("$GROUNDSWELL_HOME/published/warehouse.duckdb", read_only=True).
    The snapshot holds marts, seeds, ops and meta; --writer reaches the rest.
    """
    import contextlib

    import duckdb

    from groundswell.warehouse import connect, lake_reader, published

    settings = get_settings()
    if on_writer and not settings.warehouse_path.exists():
        # Nothing built yet: what landed is in the lake, and raw.* reads it without a writer.
        opened = lake_reader(settings)
    elif on_writer:
        try:
            opened = contextlib.closing(connect(settings.warehouse_path, read_only=True))
        except duckdb.IOException as exc:
            raise ConfigError(f"{exc}\na pipeline task is writing the warehouse now: retry when it "
                              "is done, or query the snapshot (without --writer)") from exc
    else:
        opened = published(settings)
    with opened as con:
        try:
            rel = con.sql(query)
        except duckdb.Error as exc:
            raise click.ClickException(str(exc)) from exc
        if rel is None:
            return
        rel.show(max_rows=max_rows)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                "help_option_names": []})
@click.argument("mf_args", nargs=-1, type=click.UNPROCESSED)
@_fail_cleanly
def metrics(mf_args: tuple[str, ...]) -> None:
    """Run MetricFlow (`mf MF_ARGS...`) on the published snapshot, read-only.

    `groundswell metrics list` lists every metric with its label and format. The
    metrics are defined once in the dbt semantic layer (each mart's yml,
    docs/metrics.md); ROI by department:

    groundswell metrics query --metrics social_roi --group-by
    roi_slice__department,roi_slice__attribution_model

    Every query must group by or filter on roi_slice__attribution_model.
    `groundswell metrics --help` is mf's help.
    """
    import subprocess

    from groundswell.transform import dbt as transform
    from groundswell.warehouse import SnapshotMissingError

    settings = get_settings()
    if mf_args == ("list",):
        from groundswell.transform import semantic

        click.echo(semantic.listing(semantic.project_layer(settings)))
        click.echo("\nDefinitions: docs/metrics.md; dimensions of a metric: "
                   "groundswell metrics list dimensions --metrics NAME")
        return
    if not settings.published_path.exists():
        raise SnapshotMissingError(settings.published_path)
    transform.semantic_manifest(settings)
    mf = Path(sys.executable).parent / "mf"
    env = settings.tool_env() | {
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "DBT_TARGET": "analyst",
        "GROUNDSWELL_WAREHOUSE_PATH": str(settings.published_path),
    }
    code = subprocess.run([str(mf if mf.exists() else "mf"), *mf_args],
                          env=os.environ | env, check=False).returncode
    sys.exit(code)


@main.command()
@click.option("--port", type=int, default=8050, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0: every interface).")
@click.option("--demo", "demo_mode", is_flag=True,
              help="No login: for local demos only.")
@click.option("--workers", type=int, default=2, show_default=True)
@_fail_cleanly
def serve(port: int, host: str, demo_mode: bool, workers: int) -> None:
    """Serve the executive dashboards on the published snapshot.

    Asks for a login (GROUNDSWELL_DASHBOARD_USERS, or GROUNDSWELL_DASHBOARD_USER /
    GROUNDSWELL_DASHBOARD_PASSWORD: docs/operations.md) unless --demo.  The snapshot is
    opened read-only per request, so a running pipeline never blocks the dashboards and a
    new snapshot shows on reload.
    """
    _serve(get_settings(), port=port, host=host, demo_mode=demo_mode, workers=workers)


def _serve(settings, port: int, host: str, demo_mode: bool, workers: int = 2) -> None:
    if not demo_mode:
        from groundswell.serve.auth import NO_USERS, load_users

        if not load_users(settings):  # a mistake in the logins raises ConfigError, with its fix
            raise ConfigError(NO_USERS)
    settings.apply()
    from groundswell.serve.web import run_server

    url_host = "localhost" if host in ("0.0.0.0", "127.0.0.1") else host
    click.echo(f"serving dashboards on http://{url_host}:{port} (Ctrl-C to stop)")
    run_server(settings, host=host, port=port, demo_mode=demo_mode, workers=workers)


@main.group()
def users() -> None:
    """Dashboard logins (GROUNDSWELL_DASHBOARD_USERS: docs/operations.md)."""


@users.command("hash-password")
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of a prompt.")
def hash_password(from_stdin: bool) -> None:
    """Print a scrypt hash of a password, for a user's password_hash in GROUNDSWELL_DASHBOARD_USERS.

    The password is asked for (not echoed) and never written anywhere.
    """
    from werkzeug.security import generate_password_hash

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise click.UsageError("an empty password is not a password")
    click.echo(generate_password_hash(password))


@main.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clean(yes: bool) -> None:
    """Delete $GROUNDSWELL_HOME: warehouse, snapshots, landing files, Airflow metadata, logs."""
    settings = get_settings()
    if not settings.home.exists():
        click.echo(f"{settings.home} does not exist")
        return
    if yes or click.confirm(f"delete {settings.home} and everything in it?"):
        shutil.rmtree(settings.home)
        click.echo(f"deleted {settings.home}")


if __name__ == "__main__":  # pragma: no cover
    main()

