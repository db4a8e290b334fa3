"""SIGKILL at random points of landing, building and publishing, then a rerun, converges to the
marts of an undisturbed run, row for row; the published snapshot is never torn.

The processes are the real CLI (`groundswell land`, `groundswell build`), killed with SIGKILL (no
cleanup handler runs) at a point drawn at random within the undisturbed run's duration. The seed
is printed on failure: GROUNDSWELL_FAULT_SEED=<seed> replays the same points.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from groundswell.land.demo import generate
from groundswell.warehouse import connect
from tests.fingerprint import differences, marts_fingerprint

GS = str(Path(sys.executable).parent / "groundswell")
SEED = int(os.environ.get("GROUNDSWELL_FAULT_SEED", random.SystemRandom().randrange(1 << 30)))

# Minutes each: make e2e runs them (CI runs it after make test), make test does not.
pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def run(home: Path, *args: str, kill_after: float | None = None,
        kill_when=None) -> tuple[int, float]:
    """``groundswell ARGS`` in its own process group; SIGKILL it (and its children) after
    ``kill_after`` seconds or once ``kill_when()`` holds. Returns (exit status, seconds)."""
    # Both homes pseudonymize with one key, as one deployment does; each home's own generated key
    # would (rightly) give every customer another pseudonym, and the marts could not be compared.
    env = dict(os.environ, GROUNDSWELL_HOME=str(home), GROUNDSWELL_PSEUDONYM_KEY="faults-shared-key")
    started = time.monotonic()
    with (home.parent / f"{home.name}.log").open("a") as log:
        log.write(f"\n$ groundswell {' '.join(args)}\n")
        log.flush()
        proc = subprocess.Popen([GS, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        while proc.poll() is None:
            elapsed = time.monotonic() - started
            if (kill_after is not None and elapsed >= kill_after) or (kill_when and kill_when()):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.05)
    return proc.returncode, time.monotonic() - started


def assert_untorn(home: Path, context: str) -> None:
    """Whatever was published opens whole: its marts and its stamp are there."""
    published = home / "published" / "warehouse.duckdb"
    if not published.exists():
        return
    con = connect(published, read_only=True)
    try:
        assert con.execute("select count(*) from meta.snapshot").fetchone()[0] == 1, context
        assert con.execute("select count(*) from marts.fct_post_performance").fetchone()[0] > 0, context
    finally:
        con.close()


def test_killed_land_build_and_publish_converge_to_the_undisturbed_marts(tmp_path):
    rng = random.Random(SEED)
    landing = tmp_path / "landing"
    generate(landing, scale="tiny")
    calm, hit = tmp_path / "calm", tmp_path / "hit"
    for home in (calm, hit):
        shutil.copytree(landing, home / "landing")

    status, land_seconds = run(calm, "land")
    assert status == 0
    status, build_seconds = run(calm, "build")
    assert status == 0, (calm.parent / "calm.log").read_text()[-3000:]
    reference = marts_fingerprint(calm / "published" / "warehouse.duckdb")

    points = []
    # 1. Landing killed part way, then landed again.
    at = rng.uniform(0.2, 0.9) * land_seconds
    points.append(f"land at {at:.2f}s")
    run(hit, "land", kill_after=at)
    assert run(hit, "land")[0] == 0
    # 2. The build killed part way (enrichment, dbt models and tests), then built again.
    at = rng.uniform(0.15, 0.75) * build_seconds
    points.append(f"build at {at:.2f}s")
    run(hit, "build", kill_after=at)
    assert_untorn(hit, f"seed {SEED}: {points}")
    assert run(hit, "build")[0] == 0, (tmp_path / "hit.log").read_text()[-3000:]
    published = hit / "published"

    # 3. Killed while the snapshot is being written or published: a candidate file exists.
    def writing_snapshot() -> bool:
        return any(published.glob(".candidate-*"))

    delay = rng.uniform(0, 0.5)
    points.append(f"publish {delay:.2f}s after the candidate appeared")
    seen: list[float] = []

    def candidate_then_delay() -> bool:
        if not seen and writing_snapshot():
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() - seen[0] >= delay

    run(hit, "build", kill_after=build_seconds * 3, kill_when=candidate_then_delay)
    assert seen, f"seed {SEED}: the build never took a candidate"
    assert_untorn(hit, f"seed {SEED}: {points}")
    assert run(hit, "build")[0] == 0, (tmp_path / "hit.log").read_text()[-3000:]
    assert_untorn(hit, f"seed {SEED}: {points}")

    disturbed = marts_fingerprint(published / "warehouse.duckdb")
    different = differences(reference, disturbed)
    assert not different, f"seed {SEED}, kills {points}: marts differ {different}"


def _mention_lines(version: str, n: int) -> str:
    lines = [json.dumps({"mention_id": f"x-{i}", "platform": "x", "matched_brand": "Northwind Air",
                         "created_at": "2026-10-20T10:00:00Z", "text": f"{version} {i}",
                         "author": {"id": f"a{i}"}}) for i in range(n)]
    return "\n".join(lines + [f"not json ({version})"]) + "\n"


def _lake_state(home: Path) -> tuple[set, set, int]:
    """(mention rows, quarantined payloads, landings audited) as a reader sees them, once the
    commits a killed landing journaled are finished (as a build's prepare does)."""
    from groundswell.config import Settings
    from groundswell.warehouse import lake_reader

    settings = Settings(home=home)
    settings.raw_lake.recover_pending(["listening__mentions"])
    with lake_reader(settings) as con:
        rows = set(con.execute("select mention_id, text from raw.listening__mentions").fetchall())
        bad = set(con.execute("select payload from raw.quarantine").fetchall())
        audits = con.execute("select count(*) from raw.load_audit").fetchone()[0]
    return rows, bad, audits


def test_a_landing_killed_anywhere_leaves_the_old_batch_or_the_new_one(tmp_path):
    """SIGKILL `groundswell load` at random points while it replaces a batch: afterwards a reader
    sees the batch as it was or as it was re-landed (rows, quarantine and audit together), never a
    mix, and nothing temporary is left once the next landing ran."""
    rng = random.Random(SEED)
    home, drop = tmp_path / "home", tmp_path / "drop"
    drop.mkdir()
    path = drop / "mentions.jsonl"
    versions = {"a": _mention_lines("a", 200_000), "b": _mention_lines("b", 150_000)}
    path.write_text(versions["a"])
    status, seconds = run(home, "load", "listening-mentions", str(path))
    assert status == 0
    current = "a"
    expected = {v: ({(f"x-{i}", f"{v} {i}") for i in range(n)}, {(f"not json ({v})",)})
                for v, n in (("a", 200_000), ("b", 150_000))}
    rows, bad, audits = _lake_state(home)
    assert (rows, bad) == expected["a"] and audits == 1
    points, outcomes = [], []
    for _ in range(8):
        other = "b" if current == "a" else "a"
        path.write_text(versions[other])
        at = rng.uniform(0.05, 1.5) * seconds
        points.append(f"{at:.2f}s")
        run(home, "load", "listening-mentions", str(path), kill_after=at)
        rows, bad, now = _lake_state(home)
        committed = (rows, bad) == expected[other]
        assert committed or (rows, bad) == expected[current], f"seed {SEED}, kills at {points}: a mix"
        assert now == audits + committed, f"seed {SEED}, kills at {points}: the audit disagrees"
        outcomes.append(committed)
        audits = now
        current = other if committed else current
    assert run(home, "load", "listening-mentions", str(path))[0] == 0
    assert not list((home / "lake").rglob("*.tmp"))
    print(f"seed {SEED}: kills at {points}, committed {outcomes}")
