"""The published pre-commit hook, run as pre-commit would: good plans pass, bad ones fail."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "plans" / "examples" / "btc-long.yaml"


def _hook() -> dict[str, object]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "bitmart-runner-validate"
    return dict(hook)


def _run_entry(files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """pre-commit runs `entry` with the matching file names appended; the console script is
    this interpreter's `python -m runner` (so the test needs nothing on PATH)."""
    argv = shlex.split(str(_hook()["entry"]))
    assert argv[0] == "bitmart-runner"
    command = [sys.executable, "-m", "runner", *argv[1:], *map(str, files)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_files_pattern_selects_plans_only() -> None:
    pattern = re.compile(str(_hook()["files"]))
    for name in ("plans/btc.yaml", "ops/plans/eth.yml", "desk/btc.plan.yaml", "x.plan.yml"):
        assert pattern.search(name), name
    for name in (".github/workflows/ci.yaml", "docker-compose.yml", "plans.txt"):
        assert not pattern.search(name), name


def test_entry_passes_a_good_plan(tmp_path: Path) -> None:
    result = _run_entry([GOOD], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_entry_fails_a_bad_plan_with_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "plans" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("version: 1\nname: bad\nsteps:\n  - position: {side: sideways}\n", "utf-8")
    result = _run_entry([GOOD, bad], tmp_path)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert re.search(rf"{re.escape(str(bad))}:4:\d+: error:", output), output
    assert "Traceback" not in output
