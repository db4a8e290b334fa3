"""Randomized corruption of the tiny demo's files: every outcome is a quarantine or a clear refusal.

A fixed seed (printed, and settable with GROUNDSWELL_CORRUPTION_SEED to replay a failure) picks
files of the tiny demo and damages each the way real feeds break: a byte that is not UTF-8, a
line cut short, lost, repeated or replaced by garbage, a count made negative or fractional, a
time moved to 1900 or the future, a CSV header split on another delimiter. Each damaged file is
landed again (its batch is replaced). Then:

- every batch reconciles (received = landed + quarantined), and no record the damage did not
  touch is lost: the keys landed from the file before, less those of the damaged line, still land;
- the models build, and the gate either publishes or refuses with a message naming the batch.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from groundswell.gate.quality import ValidationFailedError, gate
from groundswell.land.demo import generate
from groundswell.land.landing import land_everything, land_interval
from groundswell.land.sources import SOURCES
from groundswell.publish.snapshots import publish
from groundswell.transform import dbt as transform
from groundswell.warehouse import lake_reader

SEED = int(os.environ.get("GROUNDSWELL_CORRUPTION_SEED", "20261204"))
DAMAGES = 24


def _line_damage(rng: random.Random, line: bytes) -> tuple[str, bytes | None]:
    """One damaged version of a line (None: the line is lost)."""
    kind = rng.choice(["not utf-8", "cut short", "lost", "garbage", "negative", "fractional", "1900",
                       "future", "repeated"])
    if kind == "not utf-8":
        at = rng.randrange(len(line))
        return kind, line[:at] + b"\xff" + line[at + 1:]
    if kind == "cut short":
        return kind, line[: rng.randrange(1, max(2, len(line) - 1))]
    if kind == "lost":
        return kind, None
    if kind == "garbage":
        return kind, b"\x00\x01 <html>502 Bad Gateway</html>"
    if kind == "repeated":
        return kind, line + b"\n" + line
    if kind in ("negative", "fractional"):
        numbers = list(re.finditer(rb'(?<=[:,])\s*(\d+)(?=[,}\n]|$)', line))
        if not numbers:
            return "lost", None
        m = rng.choice(numbers)
        value = b"-" + m.group(1) if kind == "negative" else m.group(1) + b".5"
        return kind, line[: m.start(1)] + value + line[m.end(1):]
    stamp = rb"\d{4}-\d{2}-\d{2}"
    if not re.search(stamp, line):
        return "lost", None
    return kind, re.sub(stamp, b"1900-01-01" if kind == "1900" else b"2999-01-01", line, count=1)


def _damage(rng: random.Random, path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".json":  # an API page: damage anywhere in it
        kind = rng.choice(["cut short", "not utf-8", "negative"])
        if kind == "cut short":
            path.write_bytes(data[: rng.randrange(1, len(data))])
        elif kind == "not utf-8":
            at = rng.randrange(len(data))
            path.write_bytes(data[:at] + b"\xff" + data[at + 1:])
        else:
            path.write_bytes(re.sub(rb'("(?:like|impression|reply|retweet)_count": )(\d+)', rb"\1-\2", data,
                                    count=1))
        return kind
    lines = data.split(b"\n")
    if path.suffix == ".csv" and rng.random() < 0.15:
        lines[0] = lines[0].replace(b",", b";")
        path.write_bytes(b"\n".join(lines))
        return "header on another delimiter"
    first = 1 if path.suffix == ".csv" else 0
    body = [i for i in range(first, len(lines)) if lines[i].strip()]
    if not body:
        return "empty"
    at = rng.choice(body)
    kind, damaged = _line_damage(rng, lines[at])
    lines[at:at + 1] = [] if damaged is None else [damaged]
    path.write_bytes(b"\n".join(lines))
    return kind


def _keys(settings, source) -> dict[str, set]:
    key = " || '/' || ".join(f'"{k}"::VARCHAR' for k in source.natural_key)
    with lake_reader(settings) as con:
        rows = con.execute(f"select _source_file, {key} from {source.qualified_table}").fetchall()
    found: dict[str, set] = {}
    for file, k in rows:
        found.setdefault(file, set()).add(k)
    return found


def test_randomized_corruption_is_quarantined_or_refused_never_a_crash(settings):
    print(f"corruption seed {SEED} (replay: GROUNDSWELL_CORRUPTION_SEED={SEED})")
    rng = random.Random(SEED)
    generate(settings.landing_dir, scale="tiny")
    land_everything(settings)
    by_folder = {s.drop_dir: s for s in SOURCES.values()}
    files = sorted(p for p in settings.landing_dir.rglob("*") if p.is_file() and "dt=" in str(p))
    damaged: dict[Path, str] = {}
    for path in rng.sample(files, DAMAGES):
        damaged[path] = _damage(rng, path)
    print("\n".join(f"  {kind}: {p.relative_to(settings.landing_dir)}" for p, kind in damaged.items()))

    sources = {by_folder[str(p.relative_to(settings.landing_dir).parent.parent)] for p in damaged}
    before = {s.key: _keys(settings, s) for s in sources}
    for source in sources:
        land_interval(source.key, settings=settings)  # each day's batch replaced by the damaged one
    with lake_reader(settings) as con:
        audit = con.execute("select batch_id, received, landed, quarantined from raw.load_audit").fetchall()
    assert all(received == landed + quarantined for _, received, landed, quarantined in audit)
    for source in sources:
        after = _keys(settings, source)
        for file, keys in before[source.key].items():
            kind = damaged.get(Path(file))
            lost = keys - after.get(file, set())
            if kind is None:
                assert not lost, (file, lost)
            elif Path(file).suffix == ".json" or kind == "header on another delimiter":
                # a page is one JSON document, a header names every column: all or one record
                assert not after.get(file) or len(lost) <= 1, (kind, file, lost)
            else:  # a line: at most its own record (a cut-short CSV line may swallow the next)
                assert len(lost) <= 2, (kind, file, lost)

    transform.build(settings)  # the models build on whatever landed
    try:
        publish(gate(settings, run_id="corrupted"), settings)
        print("published")
    except ValidationFailedError as refused:
        print(refused)
        assert "groundswell quarantine --batch" in str(refused)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_damage_is_reproducible_from_its_seed(tmp_path, seed):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1,2\n3,4\n")
    copy = tmp_path / "b.csv"
    copy.write_bytes(path.read_bytes())
    assert _damage(random.Random(seed), path) == _damage(random.Random(seed), copy)
    assert path.read_bytes() == copy.read_bytes()
