"""Saved plans that cannot lie (issue 19 items 7, 8 and 15): a damaged or edited saved plan is
refused before anything is sent, never applied as written and never an internal error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.errors import ExitCode
from runner.sim.auth import ApiCredentials
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


STOP_AT_63000 = """\
version: 1
name: fixed-stop
steps:
  - ensure_balance: {min_available: 3000}
  - position:
      symbol: BTCUSDT
      side: long
      size: 10
      leverage: 10
      margin: isolated
      stop_loss: {trigger: 63000, price_type: last}
"""


def _action(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(a for a in doc["actions"] if a["type"] == kind)


def _raise_leverage(doc: dict[str, Any]) -> None:
    order = _action(doc, "SubmitOrder")
    order["leverage"] = "100"  # its summary still says 10x
    order.pop("stop_loss", None)


def _inject_transfer(doc: dict[str, Any]) -> None:
    transfer = dict(_action(doc, "Transfer"))
    transfer.update(amount="900", to_futures=False, summary="(nothing)")
    doc["actions"].append(transfer)


def _edit_plan_source(doc: dict[str, Any]) -> None:
    doc["plan"]["source"] = doc["plan"]["source"].replace("leverage: 10", "leverage: 15")


@pytest.mark.parametrize("tamper", [_raise_leverage, _inject_transfer, _edit_plan_source])
def test_an_edited_saved_plan_is_refused_as_stale(
    runner_cli: Cli, tmp_path: Path, tamper: Edit
) -> None:
    saved = _saved(runner_cli, tmp_path)
    _edit(saved, tamper)
    result = runner_cli.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.STALE, result.text
    assert runner_cli.writes() == []


def test_summaries_are_rendered_from_the_actions_never_read_from_the_file(
    runner_cli: Cli, tmp_path: Path
) -> None:
    saved = _saved(runner_cli, tmp_path)

    def lie(doc: dict[str, Any]) -> None:
        for action in doc["actions"]:
            action["summary"] = "HARMLESS NOTHING"

    _edit(saved, lie)
    result = runner_cli.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert "HARMLESS" not in result.text
    assert "10x isolated" in result.out


def test_live_checks_run_again_on_a_saved_plan(runner_cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "stop.yaml"
    plan.write_text(STOP_AT_63000, "utf-8")
    saved = tmp_path / "stop.plan.json"
    made = runner_cli.run("plan", str(plan), "--out", str(saved))
    assert made.code == ExitCode.OK, made.text
    runner_cli.server.set_price("BTCUSDT", "62500")  # the stop is above the price now
    # by default a 3.85% move makes the file stale (exit 3); allowed here, the live checks
    # that run again still refuse it
    assert runner_cli.run("apply", str(saved), "--yes").code == ExitCode.STALE
    result = runner_cli.run("apply", str(saved), "--yes", "--max-price-move", "10%")
    assert result.code == ExitCode.INVALID, result.text
    assert runner_cli.writes() == []


def test_a_saved_plan_made_on_one_account_is_refused_on_another(
    runner_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = _saved(runner_cli, tmp_path)
    other = ApiCredentials("b" * 40, "c" * 64, "other-memo")
    runner_cli.server.sim.credentials = other  # same URL, same state, another key
    for name, value in (("KEY", other.key), ("SECRET", other.secret), ("MEMO", other.memo)):
        monkeypatch.setenv(f"BITMART_API_{name}", value)
    result = runner_cli.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.STALE, result.text
    assert "80618...3e56" in result.err  # the account it was made for, masked
    assert runner_cli.writes() == []


def test_a_format_1_saved_plan_is_refused_with_a_way_forward(
    runner_cli: Cli, tmp_path: Path
) -> None:
    saved = _saved(runner_cli, tmp_path)
    _edit(saved, lambda doc: doc.update(format_version=1))
    result = runner_cli.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.STALE, result.text
    assert "plan --out" in result.err
