"""Snapshots: the published file every reader opens, the kept ones, and rollback.

DuckDB allows one writing process *or* many reading processes per file, never both.  So the
pipeline writes ``warehouse.duckdb`` alone (groundswell.warehouse), and everyone else (dashboards,
analysts) opens ``published/warehouse.duckdb`` read-only.  A new snapshot is a new file holding the
publishable schemas of the checkpointed writer (never ``raw``), taken by groundswell.gate.candidate
and validated by groundswell.gate.quality while it is still a candidate, then kept under
``published/snapshots/`` and put in place with an atomic rename: readers see the old snapshot or
the new one, never half of either, and ``rollback`` puts a kept one back the same way.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from groundswell.config import Settings, get_settings
from groundswell.gate.candidate import candidate_report_path, read_report
from groundswell.runs import utcnow
from groundswell.warehouse import connect


class RollbackError(RuntimeError):
    """There is no snapshot to go back to; the message says what is kept."""


def publish(candidate: Path, settings: Settings | None = None) -> Path:
    """Make a validated candidate the published snapshot, atomically; keep the last N.

    The candidate moves to ``published/snapshots/<id>.duckdb`` (with its manifest, the gate's
    report inside), then ``published/warehouse.duckdb`` becomes a hard link to it through an
    atomic rename: a reader opens the old snapshot or the new one, never a half-written file.
    Readers that opened the old file keep reading it until they close.
    """
    settings = settings or get_settings()
    report = read_report(candidate)
    if not candidate.exists():
        raise FileNotFoundError(
            f"candidate snapshot {candidate} is gone: run the validation gate again to take a new one"
        )
    settings.snapshots_dir.mkdir(parents=True, exist_ok=True)
    _keep_unversioned_current(settings)
    published_at = utcnow()
    snapshot_id = f"{published_at:%Y%m%dT%H%M%S%f}"
    stored = settings.snapshots_dir / f"{snapshot_id}.duckdb"
    with connect(candidate, read_only=True) as con:
        run_id = con.execute("SELECT max(run_id) FROM meta.snapshot").fetchone()[0]
    manifest = {
        "snapshot_id": snapshot_id,
        "published_at": published_at.isoformat(timespec="seconds") + "Z",
        "run_id": run_id,
        "snapshot": str(settings.published_path),
        "validation": report,
    }
    _write_json(settings.snapshots_dir / f"{snapshot_id}.json", manifest)
    os.replace(candidate, stored)
    candidate_report_path(candidate).unlink(missing_ok=True)
    _make_current(settings, snapshot_id, manifest)
    _prune(settings)
    return settings.published_path


def _write_json(path: Path, content: dict) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(content, indent=2, default=str))
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_current(settings: Settings, snapshot_id: str, manifest: dict) -> None:
    """Point ``published/warehouse.duckdb`` at a kept snapshot: link, then one atomic rename."""
    link = settings.published_dir / f".current-{uuid.uuid4().hex}.duckdb"
    os.link(settings.snapshots_dir / f"{snapshot_id}.duckdb", link)
    os.replace(link, settings.published_path)
    _fsync_dir(settings.published_dir)
    _write_json(settings.published_dir / "manifest.json", manifest)


def snapshots(settings: Settings | None = None) -> list[dict]:
    """The kept snapshots, oldest first: id, published_at, run_id, size and whether current."""
    settings = settings or get_settings()
    if not settings.snapshots_dir.exists():
        return []
    current = current_snapshot_id(settings)
    kept = []
    for path in sorted(settings.snapshots_dir.glob("*.duckdb")):
        info_path = path.with_suffix(".json")
        info = json.loads(info_path.read_text()) if info_path.exists() else {}
        kept.append({"snapshot_id": path.stem, "published_at": info.get("published_at"),
                     "run_id": info.get("run_id"), "bytes": path.stat().st_size,
                     "current": path.stem == current})
    return kept


def current_snapshot_id(settings: Settings) -> str | None:
    """The kept snapshot the published file is (by inode: true even if a crash left the manifest behind)."""
    try:
        inode = settings.published_path.stat().st_ino
    except FileNotFoundError:
        return None
    for path in settings.snapshots_dir.glob("*.duckdb"):
        if path.stat().st_ino == inode:
            return path.stem
    return None


def _keep_unversioned_current(settings: Settings) -> None:
    """A published file from before snapshots were kept becomes the first kept one."""
    if settings.published_path.exists() and current_snapshot_id(settings) is None:
        stamp = datetime.fromtimestamp(settings.published_path.stat().st_mtime, UTC)
        snapshot_id = f"{stamp:%Y%m%dT%H%M%S%f}"
        os.link(settings.published_path, settings.snapshots_dir / f"{snapshot_id}.duckdb")
        _write_json(settings.snapshots_dir / f"{snapshot_id}.json",
                    {"snapshot_id": snapshot_id, "published_at": stamp.isoformat(timespec="seconds"),
                     "run_id": None, "note": "published before snapshots were kept"})


def _prune(settings: Settings) -> None:
    """Keep the newest ``snapshots_keep`` snapshots, and the current one whatever its age."""
    current = current_snapshot_id(settings)
    kept = sorted(settings.snapshots_dir.glob("*.duckdb"))
    for path in kept[:-settings.snapshots_keep]:
        if path.stem != current:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)


def rollback(settings: Settings | None = None, to: str | None = None) -> str:
    """Publish again the snapshot kept before the current one (or snapshot ``to``); return its id.

    The same atomic swap as a publish. The snapshot rolled back from stays kept, so a
    rollback can itself be undone with ``to``; the next build publishes as usual.
    """
    settings = settings or get_settings()
    kept = [s["snapshot_id"] for s in snapshots(settings)]
    current = current_snapshot_id(settings)
    if to is None:
        earlier = [s for s in kept if current is None or s < current]
        if not earlier:
            raise RollbackError(
                f"no snapshot older than the current one ({current or 'none'}) is kept in "
                f"{settings.snapshots_dir}: kept {kept or 'none'} (GROUNDSWELL_SNAPSHOTS_KEEP="
                f"{settings.snapshots_keep}). `groundswell snapshots` lists them.")
        to = earlier[-1]
    elif to not in kept:
        raise RollbackError(f"snapshot {to!r} is not kept in {settings.snapshots_dir}: kept {kept or 'none'}")
    info_path = settings.snapshots_dir / f"{to}.json"
    manifest = json.loads(info_path.read_text()) if info_path.exists() else {"snapshot_id": to}
    manifest |= {"rolled_back_at": utcnow().isoformat(timespec="seconds") + "Z",
                 "rolled_back_from": current}
    _make_current(settings, to, manifest)
    return to
