"""Issue 14 over HTTP against the simulator: the apply report shows the whole account, saved
plans go stale when the price moves, no order is sent that would fire at once, contradictions
are refused, and risk-raising drift is refused under --yes."""

from __future__ import annotations

from decimal import Decimal
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


def test_a_break_even_stop_on_a_long_in_profit(funded: Cli, tmp_path: Path) -> None:
    btc = write_plan(tmp_path / "btc.yaml", LONG_BTC)
    assert funded.run("apply", str(btc), "--yes").code == ExitCode.OK
    entry = Decimal(funded.server.state()["positions"][0]["entry_price"])
    funded.server.set_price("BTCUSDT", entry * Decimal("1.05"))
    lock = write_plan(
        tmp_path / "lock.yaml",
        "version: 1\nname: lock\nsteps:\n"
        "  - tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: breakeven}}\n",
    )
    assert funded.run("validate", str(lock), base_url=False).code == ExitCode.OK
    result = funded.run("apply", str(lock), "--yes")
    assert result.code == ExitCode.OK, result.text
    (stop,) = [p for p in funded.server.state()["plan_orders"] if p["kind"] == "stop_loss"]
    # entry x (1 + 2 x 0.0006 taker), up to the 0.1 tick
    assert Decimal(stop["trigger_price"]) == (entry * Decimal("1.0012")).quantize(Decimal("0.1"))
    assert "stop-loss at break-even" in result.out


FUND_AND_LONG = """\
version: 1
name: fund-long
steps:
  - transfer: {to_futures: 10}
  - position:
      symbol: BTCUSDT
      side: long
      size: 2
      leverage: 10
      margin: isolated
      stop_loss: {trigger: 63050}
"""


def test_a_saved_plan_is_stale_after_the_price_moved(funded: Cli, tmp_path: Path) -> None:
    path = write_plan(tmp_path / "btc.yaml", LONG_BTC)
    saved = tmp_path / "btc.saved.json"
    assert funded.run("plan", str(path), "--out", str(saved)).code == ExitCode.OK
    funded.server.set_price("BTCUSDT", Decimal(60000))
    before = len(funded.writes())
    result = funded.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.STALE, result.text
    assert "mark price moved" in result.text and "--max-price-move" in result.text
    assert len(funded.writes()) == before


def test_a_small_move_within_the_band_still_restales_a_relative_stop(
    funded: Cli, tmp_path: Path
) -> None:
    path = write_plan(tmp_path / "btc.yaml", LONG_BTC)
    saved = tmp_path / "btc.saved.json"
    assert funded.run("plan", str(path), "--out", str(saved)).code == ExitCode.OK
    funded.server.set_price("BTCUSDT", Decimal(65100))  # 0.15%: the -3% stop moves a tick
    result = funded.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.STALE, result.text
    assert "would now resolve to" in result.text


def test_no_order_is_sent_that_would_stop_itself_out(funded: Cli, tmp_path: Path) -> None:
    path = write_plan(tmp_path / "fund-long.yaml", FUND_AND_LONG)
    saved = tmp_path / "fund-long.saved.json"
    assert funded.run("plan", str(path), "--out", str(saved)).code == ExitCode.OK
    funded.server.set_price("BTCUSDT", Decimal(60000))
    before = len(funded.writes())
    result = funded.run("apply", str(saved), "--yes", "--max-price-move", "50%")
    # a saved plan's live checks run again on the account as it is now: the stop would fire
    # at once, so nothing is sent, not even the transfer before it (the executor's own guard,
    # for a price that moves during the run, is tested in tests/execute)
    assert result.code == ExitCode.INVALID, result.text
    assert "stop-loss 63050 would fire at once" in result.text
    assert len(funded.writes()) == before


def test_a_refusal_before_any_write_is_exit_1(funded: Cli, tmp_path: Path) -> None:
    path = write_plan(tmp_path / "btc.yaml", LONG_BTC.replace('"-3%"', "63050"))
    saved = tmp_path / "btc.saved.json"
    assert funded.run("plan", str(path), "--out", str(saved)).code == ExitCode.OK
    funded.server.set_price("BTCUSDT", Decimal(60000))
    before = len(funded.writes())
    result = funded.run("apply", str(saved), "--yes", "--max-price-move", "50")
    assert result.code == ExitCode.INVALID, result.text
    assert len(funded.writes()) == before


def test_max_price_move_must_be_a_percentage(funded: Cli, tmp_path: Path) -> None:
    path = write_plan(tmp_path / "btc.yaml", LONG_BTC)
    result = funded.run("apply", str(path), "--yes", "--max-price-move", "lots")
    assert result.code == ExitCode.USAGE, result.text


TARGET_5 = """\
version: 1
name: hold
steps:
  - position:
      symbol: BTCUSDT
      side: long
      size: 5
      leverage: 10
      margin: isolated
      stop_loss: {trigger: 60000}
"""
OUTSIDE_CLOSE = """\
version: 1
name: trim
steps:
  - close: {symbol: BTCUSDT, side: long, size: 2}
"""


def test_restoring_a_size_reduced_outside_the_plan_is_drift(funded: Cli, tmp_path: Path) -> None:
    hold = write_plan(tmp_path / "hold.yaml", TARGET_5)
    assert funded.run("apply", str(hold), "--yes").code == ExitCode.OK
    trim = write_plan(tmp_path / "trim.yaml", OUTSIDE_CLOSE)
    assert funded.run("apply", str(trim), "--yes").code == ExitCode.OK
    before = len(funded.writes())
    refused = funded.run("apply", str(hold), "--yes")
    assert refused.code == ExitCode.INVALID, refused.text
    assert "risk-drift" in refused.text and "opens 2 BTCUSDT long" in refused.text
    assert len(funded.writes()) == before
    shown = funded.run("plan", str(hold))
    assert "raises risk (drift): opens 2 BTCUSDT long" in shown.out
    allowed = funded.run("apply", str(hold), "--yes", "--allow-risk-increase")
    assert allowed.code == ExitCode.OK, allowed.text
    assert funded.server.state()["positions"][0]["size"] in (5, "5")


def test_an_edited_step_is_intent_and_not_blocked(funded: Cli, tmp_path: Path) -> None:
    hold = write_plan(tmp_path / "hold.yaml", TARGET_5)
    assert funded.run("apply", str(hold), "--yes").code == ExitCode.OK
    write_plan(tmp_path / "hold.yaml", TARGET_5.replace("size: 5", "size: 7"))
    result = funded.run("apply", str(hold), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert "raises risk (intent): opens 2 BTCUSDT long" in result.out


def test_a_stop_tightened_by_hand_is_kept(funded: Cli, tmp_path: Path) -> None:
    hold = write_plan(tmp_path / "hold.yaml", TARGET_5.replace("60000", "63700"))
    assert funded.run("apply", str(hold), "--yes").code == ExitCode.OK
    funded.server.set_price("BTCUSDT", Decimal(67000))
    tighten = write_plan(
        tmp_path / "tighten.yaml",
        "version: 1\nname: by-hand\nsteps:\n"
        "  - tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: 65500}}\n",
    )
    assert funded.run("apply", str(tighten), "--yes").code == ExitCode.OK
    again = funded.run("apply", str(hold), "--yes")
    assert again.code == ExitCode.OK, again.text
    assert "drift kept" in again.out
    (stop,) = [p for p in funded.server.state()["plan_orders"] if p["kind"] == "stop_loss"]
    assert Decimal(stop["trigger_price"]) == 65500
