"""Dashboards and analysts read the snapshot while a build holds the writer: no lock errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from groundswell.warehouse import connect

GS = str(Path(sys.executable).parent / "groundswell")


def holds_open(pid: int, path: str) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == path for fd in fds.iterdir())
    except OSError:
        return False


def test_reading_the_snapshot_while_a_build_writes(published_home, tmp_path):
    home = tmp_path / "home"
    # A copy of a published home, so this test's build does not disturb the shared fixture.
    subprocess.run(["cp", "-a", str(published_home), str(home)], check=True)
    env = dict(os.environ, GROUNDSWELL_HOME=str(home))
    writer = str(home / "warehouse.duckdb")
    # The build's output goes to a file: a pipe nobody reads until the end fills up (64 KB) and
    # blocks the build for good.
    log = tmp_path / "build.log"
    with log.open("w") as out:
        build = subprocess.Popen([GS, "build"], env=env, stdout=out, stderr=subprocess.STDOUT)
    reads, errors, saw_writer_locked = 0, [], False
    try:
        while build.poll() is None:
            try:
                con = connect(home / "published" / "warehouse.duckdb", read_only=True)
                try:
                    con.execute("select count(*) from marts.fct_post_performance").fetchone()
                finally:
                    con.close()
                reads += 1
            except Exception as exc:  # noqa: BLE001 - any failure here is the finding
                errors.append(repr(exc))
            # Seen from outside (opening it would take the lock from the build): the build
            # process holds the writer file open while we read the snapshot.
            saw_writer_locked = saw_writer_locked or holds_open(build.pid, writer)
            time.sleep(0.05)
        output = log.read_text()
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, output
    assert errors == []
    assert reads > 20
    assert saw_writer_locked, "the build never held the writer: the test proved nothing"
