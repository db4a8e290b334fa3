"""The same lake built on DuckDB and on Spark (local[2]): wall time and peak memory per engine.

    .venv/bin/python bench/engines.py --scale small
    .venv/bin/python bench/engines.py --scale large --days 30 [--lake-home DIR]

Generates and lands the scale's data once (or reads the lake of ``--lake-home``, a home that
already landed it), then, for each engine, in a fresh home reading that lake
(``GROUNDSWELL_LAKE``): enrichment, then ``dbt build`` (every model, seed, data and unit test),
then the gate and publish, in one child process, as ``groundswell build`` runs them. Peak memory
is the largest resident size of the child's whole process tree (Spark's JVM is a child of it),
sampled every 0.2 s. The published marts of the two engines are then compared
(tests/engines.py): the figures are only worth comparing if the results are the same.

Spark runs with GROUNDSWELL_SPARK_MASTER (default local[2]) and GROUNDSWELL_SPARK_DRIVER_MEMORY
(default 4g). Needs `make spark`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child() -> None:
    """One engine's build, validate and publish in this process (GROUNDSWELL_* from the parent)."""
    from groundswell.config import get_settings
    from groundswell.gate.quality import gate
    from groundswell.publish.snapshots import publish
    from groundswell.transform import dbt as transform
    from groundswell.transform.enrichment import enrich

    settings = get_settings()
    times = {}
    start = time.perf_counter()
    transform.register_sources(settings)
    enrich(settings)
    times["enrich"] = time.perf_counter() - start
    start = time.perf_counter()
    transform.build(settings)
    times["dbt build"] = time.perf_counter() - start
    start = time.perf_counter()
    candidate = gate(settings, run_id="bench")
    times["validate"] = time.perf_counter() - start
    start = time.perf_counter()
    publish(candidate, settings)
    times["publish"] = time.perf_counter() - start
    print(json.dumps({k: round(v, 1) for k, v in times.items()}))


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a child; its wall seconds, the peak RSS (MB) of its process tree, its stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{out[-3000:]}\n{err[-3000:]}")
    return time.perf_counter() - start, peak, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["tiny", "small", "large"], default="small")
    parser.add_argument("--days", type=int, default=None, help="the scale's last N days only")
    parser.add_argument("--lake-home", type=Path, default=None,
                        help="a home whose lake already holds the data (skips generate and land)")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return

    work = Path(tempfile.mkdtemp(prefix="groundswell-engines-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    print(f"# {platform.platform()}, {os.cpu_count()} cpus, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"python {platform.python_version()}, scale={args.scale}"
          f"{f', days={args.days}' if args.days else ''}")
    lake_home = args.lake_home
    if lake_home is None:
        lake_home = work / "lake-home"
        env = dict(base, GROUNDSWELL_HOME=str(lake_home))
        days = ["--days", str(args.days)] if args.days else []
        for stage in ("generate", "land"):
            seconds, peak, _ = run_measured(
                [sys.executable, str(ROOT / "bench" / "pipeline.py"), "--stage", stage,
                 "--scale", args.scale, *days], env)
            print(f"{stage:10} {seconds:8.1f} s {peak:8.0f} MB (once, for both engines)")
    lake = lake_home / "lake"
    records = _records(lake)
    print(f"# lake {lake}: {records:,} raw records")

    print(f"{'engine':8} {'wall s':>8} {'peak MB':>8}  stages (s)")
    published = {}
    for engine in args.engines.split(","):
        home = work / engine
        env = dict(base, GROUNDSWELL_HOME=str(home), GROUNDSWELL_LAKE=str(lake),
                   GROUNDSWELL_ENGINE=engine, GROUNDSWELL_PSEUDONYM_KEY="bench-engines")
        seconds, peak, out = run_measured([sys.executable, __file__, "--child"], env)
        stages = json.loads(out.strip().splitlines()[-1])
        print(f"{engine:8} {seconds:8.1f} {peak:8.0f}  "
              + ", ".join(f"{k} {v}" for k, v in stages.items()), flush=True)
        published[engine] = home / "published" / "warehouse.duckdb"
    if len(published) == 2:
        from tests.engines import differences

        a, b = published.values()
        diff = differences(a, b)
        print(f"# marts equal on both engines: {not diff}" + (f" {json.dumps(diff)[:2000]}" if diff else ""))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"# kept {work}")


def _records(lake: Path) -> int:
    import duckdb

    with duckdb.connect() as con:
        return con.execute(f"select count(*) from read_parquet('{lake}/raw/*/dt=*/*.parquet', "
                           "union_by_name = true)").fetchone()[0]


if __name__ == "__main__":
    main()
