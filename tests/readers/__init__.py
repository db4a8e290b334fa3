"""Helpers shared by the reader tests (fixtures live in each module: they differ per API)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from groundswell.demo.generator import X_EPOCH_MS
from groundswell.readers.http import RetryPolicy

NOW = 1_800_000_000.0  # the injected clock: rate-limit resets are set relative to it


@dataclass
class Waits:
    """An injected sleep that records each wait instead of waiting."""

    delays: list[float] = field(default_factory=list)

    def policy(self, **overrides: float) -> RetryPolicy:
        return RetryPolicy(sleep=self.delays.append, clock=lambda: NOW, **overrides)


def ids_in(files: list[Path] | tuple[Path, ...]) -> list[str]:
    """Record ids of the written pages, in order, repeats kept (each file must be complete JSON)."""
    return [record["id"] for f in files for record in json.loads(f.read_bytes())["data"]]


def landing_files(folder: Path) -> set[Path]:
    """Every file under ``folder``, partial ones included."""
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def snowflake(when: datetime, seq: int) -> str:
    """An X tweet id for ``when``: ids grow with time, as X's do."""
    ms = int(when.astimezone(UTC).timestamp() * 1000) - X_EPOCH_MS
    return str((ms << 22) | seq)
