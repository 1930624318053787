"""Issue 14, second pass, over HTTP against the simulator: a saved plan's drift needs the same
consent as a plan file's, and every step kind remembers what it said (a tp_sl step does not
loosen a stop tightened by hand)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from runner.commands import apply as apply_command
from runner.errors import ExitCode
from runner.execute.consent import Prompt
from tests.e2e.conftest import Cli, write_plan
from tests.e2e.test_moving_market import LIMIT_PLAN

# the plan that holds 5 contracts, and another that trims 2 of them outside it
from tests.e2e.test_risk import OUTSIDE_CLOSE as TRIM
from tests.e2e.test_risk import TARGET_5 as HOLD


@pytest.fixture
def funded(runner_cli: Cli) -> Cli:
    runner_cli.server.fund("futures", "5000")
    return runner_cli


def _held_then_trimmed(cli: Cli, tmp_path: Path) -> Path:
    """The hold plan applied, then 2 of its 5 contracts closed by another plan: restoring them
    is drift."""
    hold = write_plan(tmp_path / "hold.yaml", HOLD)
    assert cli.run("apply", str(hold), "--yes").code == ExitCode.OK
    trim = write_plan(tmp_path / "trim.yaml", TRIM)
    assert cli.run("apply", str(trim), "--yes").code == ExitCode.OK
    return hold


def _stop(cli: Cli) -> Decimal:
    (stop,) = [p for p in cli.server.state()["plan_orders"] if p["kind"] == "stop_loss"]
    return Decimal(stop["trigger_price"])


def test_a_saved_plans_drift_is_refused_under_yes(funded: Cli, tmp_path: Path) -> None:
    hold = _held_then_trimmed(funded, tmp_path)
    saved = tmp_path / "hold.saved.json"
    made = funded.run("plan", str(hold), "--out", str(saved))
    assert made.code == ExitCode.OK, made.text
    before = len(funded.writes())
    refused = funded.run("apply", str(saved), "--yes")
    assert refused.code == ExitCode.INVALID, refused.text
    assert "risk-drift" in refused.text and "opens 2 BTCUSDT long" in refused.text
    assert len(funded.writes()) == before
    allowed = funded.run("apply", str(saved), "--yes", "--allow-risk-increase")
    assert allowed.code == ExitCode.OK, allowed.text
    assert "raises risk (drift): opens 2 BTCUSDT long" in allowed.out
    assert str(funded.server.state()["positions"][0]["size"]) == "5"


def test_a_saved_plan_warns_of_drift_before_confirm(
    funded: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold = _held_then_trimmed(funded, tmp_path)
    saved = tmp_path / "hold.saved.json"
    assert funded.run("plan", str(hold), "--out", str(saved)).code == ExitCode.OK
    before = len(funded.writes())
    monkeypatch.setattr(
        apply_command,
        "_terminal_prompt",
        lambda: Prompt(is_terminal=lambda: True, ask=lambda _: "no"),
    )
    declined = funded.run("apply", str(saved))
    assert declined.code == ExitCode.NOT_CONFIRMED, declined.text
    assert "WARNING: 1 change(s) raise risk" in declined.text
    assert len(funded.writes()) == before


POSITION = """\
version: 1
name: pos
steps:
  - position: {symbol: BTCUSDT, side: long, size: 5, leverage: 10, margin: isolated}
"""
STOPS = """\
version: 1
name: stops
steps:
  - tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: 63700}}
"""


def _stop_tightened_by_hand(cli: Cli, tmp_path: Path) -> Path:
    """A position, its stop set at 63700 by the stops plan, then moved to 65500 by hand (another
    plan, as the web app would)."""
    assert cli.run("apply", str(write_plan(tmp_path / "p.yaml", POSITION)), "--yes").code == 0
    stops = write_plan(tmp_path / "stops.yaml", STOPS)
    assert cli.run("apply", str(stops), "--yes").code == ExitCode.OK
    cli.server.set_price("BTCUSDT", Decimal(67000))
    hand = STOPS.replace("stops", "hand").replace("63700", "65500")
    assert cli.run("apply", str(write_plan(tmp_path / "h.yaml", hand)), "--yes").code == 0
    return stops


def test_an_unchanged_tp_sl_step_keeps_a_stop_tightened_by_hand(
    funded: Cli, tmp_path: Path
) -> None:
    stops = _stop_tightened_by_hand(funded, tmp_path)
    again = funded.run("apply", str(stops), "--yes")
    assert again.code == ExitCode.OK, again.text
    assert "drift kept" in again.out
    assert _stop(funded) == 65500
    # the author edits the step: that is intent, applied and marked
    write_plan(tmp_path / "stops.yaml", STOPS.replace("63700", "63800"))
    edited = funded.run("apply", str(stops), "--yes")
    assert edited.code == ExitCode.OK, edited.text
    assert "raises risk (intent): loosens the BTCUSDT stop-loss 65500 -> 63800" in edited.out
    assert _stop(funded) == 63800


def test_plan_reports_drift_as_a_finding_and_with_the_flag_as_accepted(
    funded: Cli, tmp_path: Path
) -> None:
    hold = _held_then_trimmed(funded, tmp_path)
    before = len(funded.writes())
    shown = funded.run("plan", str(hold), "--detailed-exitcode")
    assert shown.code == ExitCode.CHANGES, shown.text  # a warning: the exit codes hold
    assert "risk-drift" in shown.text and "apply --yes would refuse it" in shown.text
    accepted = funded.run("plan", str(hold), "--allow-risk-increase", "--format", "json")
    assert accepted.code == ExitCode.OK, accepted.text
    assert "risk-drift-accepted" in accepted.out and "apply --yes would refuse" not in accepted.out
    assert len(funded.writes()) == before


def test_plan_allow_risk_increase_saves_the_loosened_stop_and_apply_still_asks(
    funded: Cli, tmp_path: Path
) -> None:
    stops = _stop_tightened_by_hand(funded, tmp_path)
    kept = funded.run("plan", str(stops))
    assert "drift kept" in kept.out
    saved = tmp_path / "stops.saved.json"
    made = funded.run("plan", str(stops), "--allow-risk-increase", "--out", str(saved))
    assert made.code == ExitCode.OK, made.text
    assert "loosens the BTCUSDT stop-loss 65500 -> 63700" in made.out
    refused = funded.run("apply", str(saved), "--yes")
    assert refused.code == ExitCode.INVALID, refused.text
    assert "risk-drift" in refused.text
    assert _stop(funded) == 65500
    allowed = funded.run("apply", str(saved), "--yes", "--allow-risk-increase")
    assert allowed.code == ExitCode.OK, allowed.text
    assert _stop(funded) == 63700


def _liquidation(cli: Cli, symbol: str, side: str) -> Decimal:
    (row,) = [
        p for p in cli.server.state()["positions"] if p["symbol"] == symbol and p["side"] == side
    ]
    return Decimal(str(row["liquidation_price"]))


def test_cross_liquidation_is_estimated_on_the_shared_cross_margin(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "120")
    eth = write_plan(
        tmp_path / "eth.yaml",
        "version: 1\nname: eth\nsteps:\n"
        "  - position: {symbol: ETHUSDT, side: short, size: 10, leverage: 10, margin: cross}\n",
    )
    assert runner_cli.run("apply", str(eth), "--yes").code == ExitCode.OK
    btc = write_plan(
        tmp_path / "btc.yaml",
        "version: 1\nname: btc\nsteps:\n"
        "  - position: {symbol: BTCUSDT, side: long, size: 10, leverage: 10, margin: cross}\n",
    )
    shown = runner_cli.run("plan", str(btc), "--format", "json")
    assert shown.code == ExitCode.OK, shown.text
    (step,) = json.loads(shown.out)["steps"]
    estimated = Decimal(step["estimate"]["liquidation_price"])
    assert any("shared with ETHUSDT short" in note for note in step["notes"]), step
    assert runner_cli.run("apply", str(btc), "--yes").code == ExitCode.OK
    # what the exchange shows after the apply is what the diff said
    assert _liquidation(runner_cli, "BTCUSDT", "long") == estimated


def test_modifications_of_a_resting_entry_are_risk_classified(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "limit.yaml", LIMIT_PLAN.format(expire=""))
    assert runner_cli.run("apply", str(plan), "--yes").code == ExitCode.OK
    edited = (
        plan.read_text("utf-8")
        .replace("price: 64000", "price: 64500")
        .replace("size: 10", "size: 12")
        .replace("trigger: 62000", "trigger: 61500")
    )
    plan.write_text(edited, "utf-8")
    shown = runner_cli.run("plan", str(plan))
    assert shown.code == ExitCode.OK, shown.text
    for what in (
        "adds 2 contracts to the resting BTCUSDT long entry and moves it to a worse price "
        "64000 -> 64500",
        "loosens the preset stop-loss of the BTCUSDT resting entry 62000 -> 61500",
    ):
        assert f"raises risk (intent): {what}" in shown.out, shown.out
