"""The README's analyst section runs exactly as written (issue 22): its shell blocks through bash
and its Python block through the environment's interpreter, from the checkout, with no `uv` and
no `groundswell` on PATH (make installs both privately), against a published demo snapshot and,
for the care block, the real twcs sample in a fresh home."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTION = ("## For analysts: querying the warehouse", "## The command line")
TWCS = ROOT.parent / "shared" / "data" / "twcs" / "twcs_head5000.csv"

pytestmark = pytest.mark.slow


def _blocks() -> list[tuple[str, str]]:
    """(language, code) of each fenced block of the section, in order."""
    text = (ROOT / "README.md").read_text()
    start, end = (text.index(heading) for heading in SECTION)
    return re.findall(r"```(sh|python)\n(.*?)```", text[start:end], flags=re.S)


def _bare_env(home: Path) -> dict[str, str]:
    """The user's shell on a fresh machine after `make`: system PATH only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "GROUNDSWELL_"))}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["GROUNDSWELL_HOME"] = str(home)
    assert shutil.which("groundswell", path=env["PATH"]) is None
    return env


def _bash(code: str, env: dict[str, str], cwd: Path = ROOT) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=600)
    assert done.returncode == 0, code + "\n" + done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_sections_blocks_are_what_this_test_runs():
    blocks = _blocks()
    assert [language for language, _ in blocks] == ["sh", "python", "sh"]
    assert not any(re.search(r"\buv\b", code) for _, code in blocks), "make installs uv privately"


def test_the_analyst_queries_run_as_written(published_home, tmp_path):
    (queries, python, _care) = (code for _, code in _blocks())
    env = _bare_env(published_home)
    out = _bash(queries, env)
    assert "engagement_rate" in out and "Social ROI" in out  # the sql answer and the metric list
    assert "roi_slice__department" in out  # MetricFlow's answer, by department
    # the Python block opens ".groundswell/published/...": run it where that is the demo's home
    (tmp_path / ".groundswell").symlink_to(published_home)
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", python], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "engagement_rate" in done.stdout


@pytest.mark.skipif(not TWCS.exists(), reason=f"the real twcs sample is not at {TWCS}")
def test_the_care_block_runs_on_the_real_sample(tmp_path):
    *_, care = (code for _, code in _blocks())
    assert "export GROUNDSWELL_HOME=/tmp/care" in care
    care = care.replace("/tmp/care", str(tmp_path / "care"))
    out = _bash(care, _bare_env(tmp_path / "unused"))
    assert "response_rate" in out and "conversations" in out
    assert (tmp_path / "care" / "published" / "warehouse.duckdb").exists()
