"""Helpers shared by the reader tests (fixtures live in each module: they differ per API)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from groundswell.land.demo.generator import X_EPOCH_MS
from groundswell.land.readers.http import RetryPolicy
from groundswell.land.readers.replay import ReplayData, ReplayServer

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


@contextmanager
def replay_api(data: ReplayData, monkeypatch, **options) -> Iterator[ReplayServer]:
    """The replay server, with the readers' env pointing at it and no Airflow connection in the way."""
    with ReplayServer(data, **options) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        for conn in ("AIRFLOW_CONN_GROUNDSWELL_X", "AIRFLOW_CONN_GROUNDSWELL_FACEBOOK"):
            monkeypatch.delenv(conn, raising=False)
        yield server
