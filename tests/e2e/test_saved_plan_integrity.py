"""Saved plans that cannot lie (issue 19 items 7, 8 and 15): a damaged or edited saved plan is
refused before anything is sent, never applied as written and never an internal error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"

Edit = Callable[[dict[str, Any]], None]


def _saved(cli: Cli, tmp_path: Path) -> Path:
    out = tmp_path / "btc.plan.json"
    made = cli.run("plan", str(BTC_LONG), "--out", str(out))
    assert made.code == ExitCode.OK, made.text
    return out


def _edit(path: Path, change: Edit) -> None:
    document = json.loads(path.read_text("utf-8"))
    change(document)
    path.write_text(json.dumps(document), "utf-8")


def _naive_expiry(doc: dict[str, Any]) -> None:
    doc["expires_at"] = doc["expires_at"][:19]


def _nan_size(doc: dict[str, Any]) -> None:
    next(a for a in doc["actions"] if "size" in a)["size"] = "NaN"


def _actions_not_objects(doc: dict[str, Any]) -> None:
    doc["actions"] = [1, "two"]


def _trigger_not_a_number(doc: dict[str, Any]) -> None:
    action = next(a for a in doc["actions"] if a.get("stop_loss"))
    action["stop_loss"]["trigger"] = {"x": 1}


@pytest.mark.parametrize(
    "damage", [_naive_expiry, _nan_size, _actions_not_objects, _trigger_not_a_number]
)
def test_a_damaged_saved_plan_is_refused_not_a_crash(
    runner_cli: Cli, tmp_path: Path, damage: Edit
) -> None:
    saved = _saved(runner_cli, tmp_path)
    _edit(saved, damage)
    result = runner_cli.run("apply", str(saved), "--yes")
    assert result.code in (ExitCode.INVALID, ExitCode.STALE), result.text
    assert "internal error" not in result.err
    assert runner_cli.writes() == []
