"""Wall time and peak memory of each pipeline stage at a given scale.

    .venv/bin/python bench/pipeline.py --scale small [--days N] [--new-day] [--home DIR] [--keep]

Each stage runs in its own child process, so its peak resident memory
(ru_maxrss) is its own: generate -> land -> build (enrichment, dbt) -> validate (GX gate)
-> publish.  The stages are the library calls the DAGs and the CLI make;
Airflow's own overhead (`airflow dags test`) is measured separately as
`demo`, the whole newcomer path, when --with-airflow is given.

``--days N`` shortens the scale's window to its last N days (``--scale large --days 90``: a
large brand's quarter). ``--new-day`` then drops the day after the window (the same generator,
one day longer, its last day's partitions copied in), lands that day's partition of every source
(the land DAG's daily run) and builds, validates and publishes again: the cost of one new day
against the full build.
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
from pathlib import Path

STAGES = ("generate", "land", "build", "validate", "publish")
NEW_DAY_STAGES = ("generate_day", "land_day", "build", "validate", "publish")


def run_stage(stage: str, scale: str, arg: str | None, days: int | None = None) -> dict:
    """Inside the child: run one stage, return what it did."""
    from groundswell.config import get_settings

    settings = get_settings()
    if stage == "generate":
        from groundswell.land.demo import generate

        r = generate(settings.landing_dir, scale=scale, days=days)
        return {"files": r.files, "records": sum(r.records.values()),
                "bytes": sum(p.stat().st_size for p in settings.landing_dir.rglob("*") if p.is_file())}
    if stage == "generate_day":
        import tempfile
        from datetime import timedelta

        from groundswell.land.demo import generate
        from groundswell.land.demo.generator import DEFAULT_END_DATE, SCALES

        window = days or SCALES[scale].days
        new_day = DEFAULT_END_DATE + timedelta(days=1)
        with tempfile.TemporaryDirectory(dir=settings.home) as tmp:
            generate(Path(tmp), scale=scale, days=window + 1, end_date=new_day)
            copied = 0
            for part in Path(tmp).rglob(f"dt={new_day.isoformat()}"):
                target = settings.landing_dir / part.relative_to(tmp)
                shutil.copytree(part, target, dirs_exist_ok=True)
                copied += sum(1 for p in part.rglob("*") if p.is_file())
        return {"day": new_day.isoformat(), "files": copied}
    if stage == "land":
        from groundswell.land.landing import land_everything

        results = land_everything(settings)
        return {"batches": len(results), "records": sum(r.received for r in results),
                "quarantined": sum(r.quarantined for r in results)}
    if stage == "land_day":
        from datetime import timedelta

        from groundswell.land.demo.generator import DEFAULT_END_DATE
        from groundswell.land.landing import land_interval
        from groundswell.land.sources import SOURCES

        day = DEFAULT_END_DATE + timedelta(days=1)
        results = [r for key in SOURCES for r in land_interval(key, day, day + timedelta(days=1), settings)]
        return {"batches": len(results), "records": sum(r.received for r in results)}
    if stage == "build":
        from groundswell.transform import dbt as transform
        from groundswell.transform.enrichment import enrich

        enrich(settings)  # as `groundswell build` and the build DAG do, before dbt
        transform.build(settings)
        from groundswell.warehouse import connect

        con = connect(settings.warehouse_path, read_only=True)
        posts = con.execute("select count(*) from marts.fct_post_performance").fetchone()[0]
        con.close()
        return {"fct_post_performance_rows": posts,
                "warehouse_mb": round(settings.warehouse_path.stat().st_size / 2**20, 1)}
    if stage == "validate":
        from groundswell.gate.candidate import read_report
        from groundswell.gate.quality import gate

        candidate = gate(settings, run_id="bench")
        rows = sum(s["rows"] for s in read_report(candidate)["suites"])
        return {"candidate": str(candidate), "rows_validated": rows}
    if stage == "publish":
        from groundswell.publish.snapshots import publish

        target = publish(Path(arg), settings)
        return {"snapshot_mb": round(target.stat().st_size / 2**20, 1)}
    raise ValueError(stage)


def child(stage: str, scale: str, arg: str | None, days: int | None) -> None:
    start = time.perf_counter()
    extra = run_stage(stage, scale, arg, days)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"stage": stage, "seconds": round(seconds, 2),
                      "peak_rss_mb": round(peak_mb, 1), **extra}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["tiny", "small", "default", "large"], default="small")
    parser.add_argument("--days", type=int, default=None, help="the scale's last N days only")
    parser.add_argument("--new-day", action="store_true",
                        help="then one more day: land it, build, validate and publish again")
    parser.add_argument("--home", type=Path, default=None,
                        help="GROUNDSWELL_HOME to use (default: a fresh temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    parser.add_argument("--with-airflow", action="store_true",
                        help="also time `groundswell demo --no-serve` (real Airflow) at this scale")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--arg", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        child(args.stage, args.scale, args.arg, args.days)
        return

    home = args.home or Path(tempfile.mkdtemp(prefix="groundswell-bench-")) / "home"
    env = dict(os.environ, GROUNDSWELL_HOME=str(home))
    print(f"# home={home}, {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    days = ["--days", str(args.days)] if args.days else []
    print(f"# groundswell pipeline benchmark, scale={args.scale}{f', days={args.days}' if args.days else ''}")

    def run(stages: tuple[str, ...], title: str) -> dict[str, float]:
        print(f"{title:10} {'seconds':>8} {'peak MB':>8}  details")
        arg = None
        total = 0.0
        seconds = {}
        for stage in stages:
            proc = subprocess.run([sys.executable, __file__, "--stage", stage, "--scale", args.scale, *days,
                                   *(["--arg", arg] if arg else [])],
                                  env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"{stage} failed:\n{proc.stderr[-3000:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            arg = result.pop("candidate", arg)
            total += result["seconds"]
            seconds[stage] = result["seconds"]
            details = ", ".join(f"{k}={v}" for k, v in result.items()
                                if k not in ("stage", "seconds", "peak_rss_mb"))
            print(f"{stage:10} {result['seconds']:8.2f} {result['peak_rss_mb']:8.1f}  {details}", flush=True)
        print(f"{'total':10} {total:8.2f}")
        return seconds | {"total": total}

    full = run(STAGES, "stage")
    if args.new_day:
        day = run(NEW_DAY_STAGES, "new day")
        print("one new day / the full run: " + ", ".join(
            f"{stage} {day[stage] / full[stage]:.3f}" for stage in ("build", "validate", "publish", "total")))
    if args.with_airflow:
        demo_home = home.parent / "airflow-home"
        start = time.perf_counter()
        proc = subprocess.run([str(Path(sys.executable).parent / "groundswell"), "demo",
                               "--scale", args.scale, "--no-serve"],
                              env=dict(os.environ, GROUNDSWELL_HOME=str(demo_home)),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"demo failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{'demo':10} {time.perf_counter() - start:8.2f} {peak:8.1f}  "
              "groundswell demo --no-serve: generate + airflow dags test land and build "
              "(peak: largest single process)")
    if not args.keep and args.home is None:
        shutil.rmtree(home.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
