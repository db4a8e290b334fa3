"""Dashboards under load while the pipeline rebuilds and publishes.

    .venv/bin/python bench/dashboard.py [--home DIR] [--scale tiny] [--users 20] [--seconds 60]
                                     [--no-rebuild] [--workers 2] [--json]
    .venv/bin/python bench/dashboard.py --home DIR --queries

Serves ``--home`` (default: a fresh home with the ``--scale`` demo landed and built, not timed)
with ``groundswell serve`` (gunicorn, the login on, as in production), then runs ``--users``
simulated users on 127.0.0.1 for ``--seconds``. Meanwhile, unless ``--no-rebuild``,
``groundswell build --full-refresh`` rebuilds every model and publishes a new snapshot; the load
lasts until both the time is up and the publish is done.

A user does what the browser does, over HTTP: opens a page (its HTML), asks for the page's
layout (Dash's routing callback: the page's queries run), then fires every callback the page's
components trigger on load, with the values the layout gave them; then the next page, round
robin over every page, with no think time. A request fails when it does not answer 2xx (Dash's
204 "no update" included) within 60 s.

Prints requests, failures, requests/s and latency percentiles (p50, p95, p99, max) per kind of
request and overall, then per page (its layout and callback requests: where the time goes), the
rebuild's duration and whether a new snapshot was published during the load. ``--json`` prints
the same as one JSON object. Exit status 1 when any request failed.

``--queries`` serves nothing: it times each query of the care page (the heaviest) over the page's
default period on the snapshot of ``--home``, one user, no cache (each run once untimed, then
timed): what a cache miss costs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
GS = str(Path(sys.executable).parent / "groundswell")
PAGES_CONTENT, PAGES_STORE, PAGES_LOCATION = "_pages_content", "_pages_store", "_pages_location"
ROUTING_OUTPUT = f"..{PAGES_CONTENT}.children...{PAGES_STORE}.data.."


# Dash's callback protocol, as its renderer speaks it (also used by tests/dashboards/test_injection.py).

def walk(node, found: dict) -> None:
    """Every component with a string id in a layout's JSON: id -> its props."""
    if isinstance(node, list):
        for child in node:
            walk(child, found)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            if isinstance(props.get("id"), str):
                found[props["id"]] = props
            for value in props.values():
                walk(value, found)


def outputs(output: str) -> list[dict] | dict:
    """A callback's outputs as the renderer sends them: a list for a multi-output callback."""
    if output.startswith(".."):
        parts = output[2:-2].split("...")
        return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    return dict(zip(("id", "property"), output.rsplit(".", 1), strict=True))


def routing_request(path: str) -> dict:
    """The body that asks Dash's page router for the layout of ``path`` (the page's queries run)."""
    return {"output": ROUTING_OUTPUT, "outputs": outputs(ROUTING_OUTPUT),
            "inputs": [{"id": PAGES_LOCATION, "property": "pathname", "value": path},
                       {"id": PAGES_LOCATION, "property": "search", "value": ""}],
            "changedPropIds": [f"{PAGES_LOCATION}.pathname"], "state": []}


class User(threading.Thread):
    """One simulated user: page after page until ``stop`` is set; every request timed."""

    def __init__(self, base: str, auth: tuple[str, str] | None, pages: list[str], offset: int,
                 stop: threading.Event, record) -> None:
        super().__init__(daemon=True)
        self.base, self.pages, self.offset, self.stop, self.record = base, pages, offset, stop, record
        self.client = httpx.Client(base_url=base, auth=auth, timeout=60)

    def request(self, kind: str, method: str, path: str, page: str | None = None,
                **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = self.client.request(method, path, **kwargs)
            ok = 200 <= response.status_code < 300
            error = None if ok else f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            response, error = None, f"{type(exc).__name__}: {exc}"
        self.record(kind, time.perf_counter() - started, error, page)
        return response if error is None else None

    def run(self) -> None:
        deps = self.request("dependencies", "GET", "/_dash-dependencies")
        callbacks = [c for c in (deps.json() if deps else [])
                     if not c.get("clientside_function") and not c.get("prevent_initial_call")]
        i = self.offset
        while not self.stop.is_set():
            self.visit(self.pages[i % len(self.pages)], callbacks)
            i += 1
        self.client.close()

    def visit(self, path: str, callbacks: list[dict]) -> None:
        if self.request("page", "GET", path) is None:
            return
        routed = self.request("layout", "POST", "/_dash-update-component", path,
                              json=routing_request(path))
        if routed is None:
            return
        components: dict = {}
        walk(routed.json()["response"][PAGES_CONTENT]["children"], components)
        for cb in callbacks:
            wanted = [*cb["inputs"], *cb.get("state", [])]
            if not all(isinstance(d["id"], str) and d["id"] in components for d in wanted):
                continue  # not on this page (or a pattern-matching id)

            def values(deps: list[dict]) -> list[dict]:
                return [{**d, "value": components[d["id"]].get(d["property"])} for d in deps]

            self.request("callback", "POST", "/_dash-update-component", path, json={
                "output": cb["output"], "outputs": outputs(cb["output"]),
                "inputs": values(cb["inputs"]), "state": values(cb.get("state", [])),
                "changedPropIds": []})


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.by_page: dict[str, list[float]] = {}  # layout and callback requests, by the page's path
        self.errors: list[str] = []

    def record(self, kind: str, seconds: float, error: str | None, page: str | None = None) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if page:
                self.by_page.setdefault(page, []).append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")

    def summary(self, wall: float) -> dict:
        def stats(values: list[float]) -> dict:
            ordered = sorted(values)

            def pct(p: float) -> float:
                return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

            return {"requests": len(ordered), "p50_ms": round(pct(50) * 1000, 1),
                    "p95_ms": round(pct(95) * 1000, 1), "p99_ms": round(pct(99) * 1000, 1),
                    "max_ms": round(ordered[-1] * 1000, 1)} if ordered else {"requests": 0}

        everything = [t for values in self.times.values() for t in values]
        return {"requests": len(everything), "failed": len(self.errors),
                "requests_per_s": round(len(everything) / wall, 1), "overall": stats(everything),
                "by_kind": {k: stats(v) for k, v in sorted(self.times.items())},
                "by_page": {k: stats(v) for k, v in sorted(self.by_page.items())},
                "first_errors": self.errors[:10]}


def snapshot_id(home: Path) -> str | None:
    from groundswell.config import Settings
    from groundswell.publish.snapshots import current_snapshot_id

    return current_snapshot_id(Settings(home=home))


def serve(home: Path, port: int, workers: int, env: dict) -> subprocess.Popen:
    log = (home / "logs").mkdir(parents=True, exist_ok=True) or (home / "logs" / "bench-serve.log")
    with log.open("w") as out:
        proc = subprocess.Popen([GS, "serve", "--port", str(port), "--workers", str(workers)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"the dashboards did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.3)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(home: Path, users: int = 20, seconds: float = 60, rebuild: bool = True, workers: int = 2,
         max_seconds: float = 900) -> dict:
    """Serve ``home``, load it with ``users`` for ``seconds`` (and until a rebuild published)."""
    user, password = "bench", secrets.token_urlsafe(16)
    env = dict(os.environ, GROUNDSWELL_HOME=str(home), GROUNDSWELL_DASHBOARD_USER=user,
               GROUNDSWELL_DASHBOARD_PASSWORD=password)
    port = free_port()
    server = serve(home, port, workers, env)
    import dash  # the page paths, as the app registers them

    from dashboards.app import create_app

    create_app()
    pages = sorted(p["relative_path"] for p in dash.page_registry.values())
    results, stop = Results(), threading.Event()
    before = snapshot_id(home)
    build = None
    try:
        crowd = [User(f"http://127.0.0.1:{port}", (user, password), pages, i, stop, results.record)
                 for i in range(users)]
        started = time.perf_counter()
        for u in crowd:
            u.start()
        if rebuild:
            with (home / "logs" / "bench-rebuild.log").open("w") as out:
                build = subprocess.Popen([GS, "build", "--full-refresh"], env=env, stdout=out,
                                         stderr=subprocess.STDOUT)
        while True:
            elapsed = time.perf_counter() - started
            done = build is None or build.poll() is not None
            if (elapsed >= seconds and done) or elapsed >= max_seconds:
                break
            time.sleep(0.2)
        rebuild_seconds = time.perf_counter() - started if build else None
        stop.set()
        for u in crowd:
            u.join(timeout=120)
        wall = time.perf_counter() - started
    finally:
        stop.set()
        if build and build.poll() is None:
            build.kill()
        server.terminate()
        server.wait(timeout=30)
    summary = results.summary(wall)
    summary.update({
        "users": users, "seconds": round(wall, 1), "pages": pages, "gunicorn_workers": workers,
        "rebuild_exit": build.returncode if build else None,
        "rebuild_seconds": round(rebuild_seconds, 1) if rebuild_seconds else None,
        "published_during_load": snapshot_id(home) != before,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    })
    return summary


#: The care page's queries on load, in the order its callbacks run them.
CARE_QUERIES = ("care_options", "care_kpis", "conversation_kpis", "sla_by_week", "backlog_by_type",
                "backlog_by_day", "response_time_stats", "worst_segments")


def query_costs(home: Path) -> dict[str, float]:
    """Milliseconds of each of CARE_QUERIES over the care page's default period (warm)."""
    from datetime import timedelta

    from dashboards.app import create_app
    from dashboards.care import queries as care_queries
    from groundswell.warehouse import connect

    create_app()  # the page module registers itself with the app
    from dashboards.care.page import DEFAULT_DAYS

    con = connect(home / "published" / "warehouse.duckdb", read_only=True)
    try:
        options = care_queries.care_options(con)
        start = max(options.first_date, options.last_date - timedelta(days=DEFAULT_DAYS - 1))
        f = care_queries.CareFilters(start=start, end=options.last_date)
        costs = {}
        for name in CARE_QUERIES:
            args = (con,) if name == "care_options" else (con, f)
            getattr(care_queries, name)(*args)
            started = time.perf_counter()
            getattr(care_queries, name)(*args)
            costs[name] = round((time.perf_counter() - started) * 1000, 1)
        return costs
    finally:
        con.close()


def demo_home(scale: str) -> Path:
    from groundswell.config import Settings
    from groundswell.gate.quality import gate
    from groundswell.land.demo import generate
    from groundswell.land.landing import land_everything
    from groundswell.publish.snapshots import publish
    from groundswell.transform import dbt as transform

    home = Path(tempfile.mkdtemp(prefix="groundswell-bench-dashboard-")) / "home"
    settings = Settings(home=home)
    print(f"building a {scale} demo in {home} (not timed)", file=sys.stderr)
    generate(settings.landing_dir, scale=scale)
    land_everything(settings)
    transform.build(settings)
    publish(gate(settings), settings)
    return home


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a built GROUNDSWELL_HOME (default: a fresh demo)")
    parser.add_argument("--scale", default="tiny", choices=["tiny", "small", "default"])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (threads: 4 each)")
    parser.add_argument("--no-rebuild", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--queries", action="store_true",
                        help="time the care page's queries on --home's snapshot instead (no server)")
    args = parser.parse_args()
    if args.queries:
        if not args.home:
            parser.error("--queries needs --home (a home with a published snapshot)")
        costs = query_costs(args.home.resolve())
        if args.json:
            print(json.dumps(costs, indent=2))
        else:
            for name, ms in costs.items():
                print(f"{name:<22}{ms:>10} ms")
            print(f"{'care page':<22}{round(sum(costs.values()), 1):>10} ms")
        return 0
    home = args.home.resolve() if args.home else demo_home(args.scale)
    os.environ["GROUNDSWELL_HOME"] = str(home)
    summary = load(home, args.users, args.seconds, not args.no_rebuild, args.workers)
    if not args.home:
        shutil.rmtree(home.parent, ignore_errors=True)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['users']} users, {summary['seconds']} s, {summary['gunicorn_workers']} gunicorn "
              f"workers, {summary['machine']}; rebuild (--full-refresh) {summary['rebuild_seconds']} s, "
              f"exit {summary['rebuild_exit']}, published during the load: "
              f"{summary['published_during_load']}")
        print(f"requests {summary['requests']}, failed {summary['failed']}, "
              f"{summary['requests_per_s']} requests/s")
        print(f"{'kind':<14}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
        for kind, s in [*summary["by_kind"].items(), ("overall", summary["overall"])]:
            print(f"{kind:<14}{s['requests']:>10}{s.get('p50_ms', '-'):>10}{s.get('p95_ms', '-'):>10}"
                  f"{s.get('p99_ms', '-'):>10}{s.get('max_ms', '-'):>10}")
        print("layout and callback requests by page, slowest p95 first:")
        for page, s in sorted(summary["by_page"].items(), key=lambda kv: -kv[1].get("p95_ms", 0)):
            print(f"  {page:<12}{s['requests']:>10}{s.get('p50_ms', '-'):>10}{s.get('p95_ms', '-'):>10}"
                  f"{s.get('p99_ms', '-'):>10}{s.get('max_ms', '-'):>10}")
        for error in summary["first_errors"]:
            print("  error:", error)
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
