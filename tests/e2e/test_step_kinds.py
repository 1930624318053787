"""Every step kind applied from the CLI against the simulator over HTTP, its effect checked in the
simulator's own state and its verification in the report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "plans" / "examples"


def _apply(cli: Cli, plan: Path) -> str:
    result = cli.run("apply", str(plan), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert "NOT verified" not in result.out
    return result.out


def _waiting(cli: Cli, kind: str) -> list[dict[str, object]]:
    return [
        p
        for p in cli.server.state()["plan_orders"]
        if p["kind"] == kind and p["state"] == "waiting"
    ]


def test_transfer_position_mode_and_leverage(runner_cli: Cli) -> None:
    out = _apply(runner_cli, EXAMPLES / "fund-and-leverage.yaml")
    assert "Applied and verified 6 change(s)." in out
    state = runner_cli.server.state()
    assert [t["amount"] for t in state["transfers"]] == ["1000", "50.5"]
    assert Decimal(state["balances"]["spot"]) == Decimal("9050.5")
    assert state["position_mode"] == "one_way_mode"
    assert state["settings"]["BTCUSDT"] == {"leverage": "10", "open_type": "isolated"}
    assert state["settings"]["ETHUSDT"] == {"leverage": "5", "open_type": "cross"}
    assert state["settings"]["SOLUSDT"] == {"leverage": "3", "open_type": "isolated"}
    # transfers are actions (they run on every apply); the targets are met
    again = runner_cli.run("plan", str(EXAMPLES / "fund-and-leverage.yaml"))
    assert again.code == ExitCode.OK
    assert "2 changes (0 orders, 0 TP/SL, 2 transfers, 0 settings)" in again.out


def test_plan_orders_are_created_once(runner_cli: Cli) -> None:
    runner_cli.server.fund("futures", "2000")
    _apply(runner_cli, EXAMPLES / "eth-dip-buy.yaml")
    plans = _waiting(runner_cli, "plan")
    assert sorted(p["trigger_price"] for p in plans) == ["2900", "3600"]
    again = runner_cli.run("apply", str(EXAMPLES / "eth-dip-buy.yaml"), "--yes")
    assert again.code == ExitCode.OK and "No changes" in again.out, again.text
    assert len(_waiting(runner_cli, "plan")) == 2


def test_opens_add_every_time_and_tp_sl_protect_them(runner_cli: Cli) -> None:
    runner_cli.server.fund("futures", "2000")
    _apply(runner_cli, EXAMPLES / "open-action.yaml")
    state = runner_cli.server.state()
    (position,) = [p for p in state["positions"] if p["symbol"] == "SOLUSDT"]
    assert position["size"] == 2  # the maker-only limit at 145.5 rests below the price
    assert len(_waiting(runner_cli, "stop_loss")) == 1
    _apply(runner_cli, EXAMPLES / "open-action.yaml")
    (position,) = [p for p in runner_cli.server.state()["positions"] if p["symbol"] == "SOLUSDT"]
    assert position["size"] == 4


def test_tp_sl_then_close_and_cancel(runner_cli: Cli, tmp_path: Path) -> None:
    runner_cli.server.fund("futures", "5000")
    held = write_plan(
        tmp_path / "held.yaml",
        "version: 1\nname: held\ndefaults: {leverage: 5, margin: isolated}\nsteps:\n"
        "  - position: {symbol: BTCUSDT, side: long, size: 6}\n"
        "  - position: {symbol: SOLUSDT, side: long, size: 3}\n"
        "  - position: {symbol: SOLUSDT, side: short, size: 3}\n"
        "  - position: {symbol: ETHUSDT, side: short, size: 2}\n"
        "  - position: {symbol: ETHUSDT, side: long, size: 2, entry: {type: limit, price: 3000}}\n",
    )
    _apply(runner_cli, held)
    _apply(runner_cli, EXAMPLES / "tp-sl-only.yaml")
    stops = {(p["symbol"], p["position_side"]) for p in _waiting(runner_cli, "stop_loss")}
    assert stops == {("BTCUSDT", "long"), ("ETHUSDT", "short")}
    # SOLUSDT long: `take_profit: null` wants none, and the stop is left as it was (none)
    takes = {(p["symbol"], p["position_side"]) for p in _waiting(runner_cli, "take_profit")}
    assert ("SOLUSDT", "long") not in takes
    out = _apply(runner_cli, EXAMPLES / "close-and-cancel.yaml")
    assert "close 5 of BTCUSDT long" in out
    state = runner_cli.server.state()
    sizes = {(p["symbol"], p["side"]): p["size"] for p in state["positions"]}
    assert sizes[("BTCUSDT", "long")] == 6  # the limit close at 66500 rests above the price
    resting = [o for o in state["orders"] if o["state"] == "working"]
    assert [(o["symbol"], o["price"]) for o in resting] == [("BTCUSDT", "66500")]
    assert ("SOLUSDT", "short") not in sizes
    eth_buys = [o for o in state["orders"] if o["symbol"] == "ETHUSDT" and o["side"] == 1]
    assert [o["state"] for o in eth_buys] == ["cancelled"]  # the resting ETH buy
