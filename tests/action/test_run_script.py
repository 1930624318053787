"""action/run.sh (the GitHub Action's work) under GitHub's `bash -eo pipefail`.

Each test lays out a repository in tmp_path, runs the script as the action does, and reads what
GitHub would: the exit status, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY and the annotation lines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from runner.sim.server import SimServer

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "action" / "run.sh"
EXAMPLE = REPO / "plans" / "examples" / "btc-long.yaml"
BAD = REPO / "tests" / "plans" / "bad" / "float-size.yaml"


@dataclass
class Run:
    code: int
    stdout: str
    outputs: dict[str, str]
    summary: str


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "plans" / "desk").mkdir(parents=True)
    return ws


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BITMART_", "GITHUB_"))}
    env.update(
        PYTHONPATH=str(REPO),
        RUNNER_COMMAND=f"{sys.executable} -m runner",
        BITMART_RUNNER_HOME=str(tmp_path / "home"),
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "step_summary.md"),
    )
    env.update(extra)
    return env


def run_action(ws: Path, tmp_path: Path, **extra: str) -> Run:
    env = _env(tmp_path, **extra)
    result = subprocess.run(
        ["bash", "-eo", "pipefail", str(SCRIPT)], cwd=ws, env=env, capture_output=True, text=True
    )
    output = Path(env["GITHUB_OUTPUT"])
    lines = output.read_text().splitlines() if output.exists() else []
    summary = Path(env["GITHUB_STEP_SUMMARY"])
    return Run(
        result.returncode,
        result.stdout,
        dict(line.split("=", 1) for line in lines),
        summary.read_text() if summary.exists() else "",
    )


def assert_blocks_closed(summary: str) -> list[str]:
    """Every code block is closed by the same fence; returns the blocks' texts."""
    blocks, fence, body = [], None, []
    for line in summary.splitlines():
        if fence is None:
            opened = re.fullmatch(r"(`{3,})text", line)
            if opened:
                fence, body = opened.group(1), []
        elif line == fence:
            blocks.append("\n".join(body))
            fence = None
        else:
            body.append(line)
    assert fence is None, "a code block in the summary is left open"
    return blocks


def test_changes_pending_in_a_subfolder_and_a_yml_file(workspace: Path, tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, workspace / "plans" / "desk" / "btc.yml")
    run = run_action(workspace, tmp_path)
    assert run.code == 0, run.stdout
    assert run.outputs == {"changes": "true", "exit-code": "0"}
    assert "| `plans/desk/btc.yml` | changes pending |" in run.summary
    (block,) = assert_blocks_closed(run.summary)
    assert "open long 10 BTCUSDT" in block and "Plan: 2 changes" in block


def test_no_changes_after_the_plan_was_applied(workspace: Path, tmp_path: Path) -> None:
    plan = workspace / "plans" / "btc.yaml"
    shutil.copy(EXAMPLE, plan)
    applied = subprocess.run(
        [sys.executable, "-m", "runner", "apply", str(plan), "--yes"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert applied.returncode == 0, applied.stderr
    run = run_action(workspace, tmp_path)
    assert run.code == 0
    assert run.outputs == {"changes": "false", "exit-code": "0"}
    assert "| `plans/btc.yaml` | no changes |" in run.summary
    (block,) = assert_blocks_closed(run.summary)
    assert "No changes" in block


def test_an_invalid_plan_is_annotated_and_fails_the_step(workspace: Path, tmp_path: Path) -> None:
    shutil.copy(BAD, workspace / "plans" / "desk" / "bad.yaml")
    shutil.copy(EXAMPLE, workspace / "plans" / "good.yaml")
    run = run_action(workspace, tmp_path)
    assert run.code == 1
    assert run.outputs == {"changes": "true", "exit-code": "1"}  # the good plan was still checked
    assert (
        "::error file=plans/desk/bad.yaml,line=8,col=13::size must be a whole number" in run.stdout
    )
    assert "| `plans/desk/bad.yaml` | invalid |" in run.summary
    blocks = assert_blocks_closed(run.summary)
    assert any("plans/desk/bad.yaml:8:13: error: size must be a whole number" in b for b in blocks)


def test_an_exchange_error_is_reported_and_every_plan_still_checked(
    workspace: Path, tmp_path: Path, sim_server: SimServer
) -> None:
    for name in ("a.yaml", "b.yml"):
        shutil.copy(EXAMPLE, workspace / "plans" / name)
    run = run_action(
        workspace,
        tmp_path,
        INPUT_BASE_URL=sim_server.url,
        BITMART_API_KEY="not-a-key-the-server-knows",
        BITMART_API_SECRET="not-the-secret",
        BITMART_API_MEMO="not-the-memo",
    )
    assert run.code == 6
    assert run.outputs == {"changes": "false", "exit-code": "6"}
    for name in ("a.yaml", "b.yml"):
        assert f"| `plans/{name}` | exchange, network or credential error |" in run.summary
        assert f"::error file=plans/{name}::bitmart-runner plan: exchange" in run.stdout
    blocks = assert_blocks_closed(run.summary)
    assert len(blocks) == 2 and all("BitMart error" in b for b in blocks)
    assert "not-the-secret" not in run.summary + run.stdout


def test_nothing_matched_is_a_warning_not_a_failure(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path, INPUT_PLANS="plans/**/*.yaml")
    assert run.code == 0
    assert run.outputs == {"changes": "false", "exit-code": "0"}
    assert "::warning::no plan file matched" in run.stdout
    assert "No plan file matched" in run.summary


def test_a_backtick_fence_in_the_output_cannot_close_the_block(
    workspace: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "fake-runner"
    fake.write_text("#!/usr/bin/env bash\necho 'line with ``` inside'\necho '````'\nexit 0\n")
    fake.chmod(0o755)
    (workspace / "plans" / "x.yaml").write_text("version: 1\n")
    run = run_action(workspace, tmp_path, RUNNER_COMMAND=str(fake))
    (block,) = assert_blocks_closed(run.summary)
    assert block == "line with ``` inside\n````"


@pytest.mark.parametrize("patterns", ["plans/*.yaml\nplans/**/*.yaml", "plans/**/*.y*ml"])
def test_each_plan_is_checked_once(workspace: Path, tmp_path: Path, patterns: str) -> None:
    fake = tmp_path / "fake-runner"
    fake.write_text('#!/usr/bin/env bash\necho "$1 $2"\nexit 0\n')
    fake.chmod(0o755)
    (workspace / "plans" / "x.yaml").write_text("")
    (workspace / "plans" / "desk" / "y.yaml").write_text("")
    run = run_action(workspace, tmp_path, RUNNER_COMMAND=str(fake), INPUT_PLANS=patterns)
    assert run.summary.count("| `plans/x.yaml` |") == 1
    assert run.summary.count("| `plans/desk/y.yaml` |") == 1
