"""Live checks from the CLI against the simulator: each named rule fails the plan (exit 1, no
write) on an account that breaks it, and passes on one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

HOLD_LONG_10X = """\
version: 1
name: hold
steps:
  - position: {symbol: BTCUSDT, side: long, size: 2, leverage: 10, margin: isolated}
"""
RESTING_BUY = """\
version: 1
name: resting
steps:
  - position:
      symbol: ETHUSDT
      side: long
      size: 1
      leverage: 5
      margin: isolated
      entry: {type: limit, price: 2000}
"""


def _plan(cli: Cli, path: Path) -> tuple[int, str]:
    before = len(cli.writes())
    result = cli.run("plan", str(path), "--detailed-exitcode")
    assert len(cli.writes()) == before  # plan never writes, whatever it finds
    return result.code, result.text


@pytest.fixture
def funded(runner_cli: Cli) -> Cli:
    runner_cli.server.fund("futures", "5000")
    return runner_cli


def _holding(cli: Cli, tmp_path: Path) -> None:
    held = write_plan(tmp_path / "hold.yaml", HOLD_LONG_10X)
    result = cli.run("apply", str(held), "--yes")
    assert result.code == ExitCode.OK, result.text


@pytest.mark.parametrize(
    ("step", "rule"),
    [
        ("leverage: {symbol: BTCUSDT, leverage: 20, margin: isolated}", "leverage-conflict"),
        ("leverage: {symbol: BTCUSDT, leverage: 10, margin: cross}", "leverage-conflict"),
        ("close: {symbol: BTCUSDT, side: long, size: 3}", "close-exceeds-position"),
        ("close: {symbol: BTCUSDT, side: short, size: 1}", "no-position"),
        (
            "tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: 70000}}",
            "trigger-fires-immediately",
        ),
    ],
)
def test_rules_against_a_held_position(funded: Cli, tmp_path: Path, step: str, rule: str) -> None:
    _holding(funded, tmp_path)
    plan = write_plan(tmp_path / "p.yaml", f"version: 1\nname: p\nsteps:\n  - {step}\n")
    code, text = _plan(funded, plan)
    assert code == ExitCode.INVALID, text
    assert rule in text


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        # what the position already has: nothing to do
        ("leverage: {symbol: BTCUSDT, leverage: 10, margin: isolated}", ExitCode.OK),
        ("close: {symbol: BTCUSDT, side: long, size: 2}", ExitCode.CHANGES),
        ("tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: 60000}}", ExitCode.CHANGES),
    ],
)
def test_the_same_steps_pass_when_they_fit(
    funded: Cli, tmp_path: Path, step: str, expected: ExitCode
) -> None:
    _holding(funded, tmp_path)
    plan = write_plan(tmp_path / "p.yaml", f"version: 1\nname: p\nsteps:\n  - {step}\n")
    code, text = _plan(funded, plan)
    assert code == expected, text


def test_mode_switch_is_blocked_by_an_open_order(funded: Cli, tmp_path: Path) -> None:
    resting = write_plan(tmp_path / "resting.yaml", RESTING_BUY)
    assert funded.run("apply", str(resting), "--yes").code == ExitCode.OK
    switch = write_plan(
        tmp_path / "switch.yaml", "version: 1\nname: switch\nsteps:\n  - position_mode: one_way\n"
    )
    code, text = _plan(funded, switch)
    assert code == ExitCode.INVALID and "mode-switch-not-clean" in text, text


def test_mode_switch_on_a_clean_account_is_a_change(funded: Cli, tmp_path: Path) -> None:
    switch = write_plan(
        tmp_path / "switch.yaml", "version: 1\nname: switch\nsteps:\n  - position_mode: one_way\n"
    )
    code, text = _plan(funded, switch)
    assert code == ExitCode.CHANGES, text


def test_insufficient_margin_is_caught_before_any_order(runner_cli: Cli, tmp_path: Path) -> None:
    big = write_plan(
        tmp_path / "big.yaml",
        "version: 1\nname: big\nsteps:\n"
        "  - position: {symbol: BTCUSDT, side: long, size: 5000, leverage: 2, margin: isolated}\n",
    )
    code, text = _plan(runner_cli, big)
    assert code == ExitCode.INVALID
    assert "insufficient-margin" in text or "insufficient-balance" in text, text
