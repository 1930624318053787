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
