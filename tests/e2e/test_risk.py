"""Issue 14 over HTTP against the simulator: the apply report shows the whole account, saved
plans go stale when the price moves, no order is sent that would fire at once, contradictions
are refused, and risk-raising drift is refused under --yes."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

SHORT_ETH = """\
version: 1
name: other
steps:
  - position: {symbol: ETHUSDT, side: short, size: 10, leverage: 5, margin: isolated}
"""
LONG_BTC = """\
version: 1
name: btc
steps:
  - position:
      symbol: BTCUSDT
      side: long
      size: 2
      leverage: 10
      margin: isolated
      stop_loss: {trigger: "-3%"}
"""


@pytest.fixture
def funded(runner_cli: Cli) -> Cli:
    runner_cli.server.fund("futures", "5000")
    return runner_cli


def test_the_apply_report_shows_every_position(funded: Cli, tmp_path: Path) -> None:
    other = write_plan(tmp_path / "other.yaml", SHORT_ETH)
    assert funded.run("apply", str(other), "--yes").code == ExitCode.OK
    btc = write_plan(tmp_path / "btc.yaml", LONG_BTC)
    result = funded.run("apply", str(btc), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert "Positions: none" not in result.out
    assert "ETHUSDT short 10" in result.out
    assert "BTCUSDT long 2" in result.out


def test_ensure_balance_above_the_minimum_converges_in_one_apply(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "600")
    path = write_plan(
        tmp_path / "fund.yaml",
        """\
version: 1
name: fund
steps:
  - ensure_balance: {min_available: 590}
  - position: {symbol: BTCUSDT, side: long, size: 2, leverage: 10, margin: isolated}
""",
    )
    first = runner_cli.run("apply", str(path), "--yes")
    assert first.code == ExitCode.OK, first.text
    again = runner_cli.run("plan", str(path), "--detailed-exitcode")
    assert again.code == ExitCode.OK, again.text
    assert "No changes" in again.out


def _plan_code(cli: Cli, path: Path) -> tuple[int, str]:
    before = len(cli.writes())
    result = cli.run("plan", str(path), "--detailed-exitcode")
    assert len(cli.writes()) == before
    return result.code, result.text


def test_long_and_short_targets_on_a_one_way_account_are_refused(
    funded: Cli, tmp_path: Path
) -> None:
    mode = write_plan(
        tmp_path / "mode.yaml", "version: 1\nname: m\nsteps:\n  - position_mode: one_way\n"
    )
    assert funded.run("apply", str(mode), "--yes").code == ExitCode.OK
    both = write_plan(
        tmp_path / "both.yaml",
        """\
version: 1
name: both
steps:
  - position: {symbol: BTCUSDT, side: long, size: 2, leverage: 10, margin: isolated}
  - position: {symbol: BTCUSDT, side: short, size: 2}
""",
    )
    before = len(funded.writes())
    result = funded.run("apply", str(both), "--yes")
    assert result.code == ExitCode.INVALID, result.text
    assert "conflicting-targets" in result.text
    assert len(funded.writes()) == before


def test_a_cancel_that_strips_a_required_stop_is_refused(funded: Cli, tmp_path: Path) -> None:
    btc = write_plan(tmp_path / "btc.yaml", LONG_BTC)
    assert funded.run("apply", str(btc), "--yes").code == ExitCode.OK
    cancel = write_plan(
        tmp_path / "cancel.yaml",
        "version: 1\nname: c\npolicy: {require_stop_loss: true}\nsteps:\n"
        "  - cancel: {symbol: BTCUSDT}\n",
    )
    code, text = _plan_code(funded, cancel)
    assert code == ExitCode.INVALID, text
    assert "cancel-strips-stop" in text
