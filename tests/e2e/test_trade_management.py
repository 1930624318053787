"""Trade management over HTTP: a take-profit ladder and a trailing stop on one position, along a
price path that fires TP1, then TP2, then trails out, checked in the simulator after every apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

PLAN = """\
version: 1
name: ladder-trail
steps:
  - id: swing
    position:
      symbol: BTCUSDT
      side: long
      size: 10
      leverage: 10
      margin: isolated
      stop_loss: {trigger: "-3%"}
      take_profit:
        - {trigger: "+2%", size: "33%"}
        - {trigger: "+4%", size: 3}
      trailing_stop: {activation: "+5%", callback: "1%", price_type: mark}
"""


def _waiting(state: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, trigger or activation, size) of every waiting TP/SL and trailing order."""
    rows = []
    for p in state["plan_orders"]:
        if p["state"] != "waiting":
            continue
        price = p.get("trigger_price") or p.get("activation_price")
        rows.append((str(p["kind"]), str(price), str(p["size"])))
    return sorted(rows)


def _position(state: dict[str, Any]) -> int:
    return sum(int(p["size"]) for p in state["positions"] if p["symbol"] == "BTCUSDT")


def _apply(cli: Cli, plan: Path) -> str:
    result = cli.run("apply", str(plan), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert "NOT verified" not in result.out
    return result.out


def test_ladder_fires_level_by_level_then_the_trailing_stop_closes_the_rest(
    runner_cli: Cli, tmp_path: Path
) -> None:
    server = runner_cli.server
    server.fund("futures", "2000")
    plan = write_plan(tmp_path / "swing.yaml", PLAN)
    out = _apply(runner_cli, plan)
    assert "Applied and verified 4 change(s)." in out  # open (preset stop), 2 levels, trailing
    # each level's PnL net of the open and close taker fees of its 3 contracts (0.001 BTC each):
    # (66300 - 65000) * 0.003 - (65000 + 66300) * 0.003 * 0.0006 = 3.66
    assert "PnL at take-profit level 1 66300 (3 contracts, net of fees): 3.66 USDT" in out
    assert "PnL at take-profit level 2 67600 (3 contracts, net of fees): 7.56 USDT" in out
    state = server.state()
    assert _position(state) == 10
    assert _waiting(state) == [
        ("stop_loss", "63050", "0"),  # a position stop: size 0 = the whole position
        ("take_profit", "66300", "3"),
        ("take_profit", "67600", "3"),
        ("trailing", "68250", "10"),
    ]
    levels = [
        p for p in state["plan_orders"] if p["kind"] == "take_profit" and p["state"] == "waiting"
    ]
    assert {p["plan_category"] for p in levels} == {1}
    writes = len(runner_cli.writes())

    # TP1: 3 contracts close; the next apply neither buys them back nor places level 1 again
    server.set_price("BTCUSDT", "66300")
    assert _position(server.state()) == 7
    out = _apply(runner_cli, plan)
    assert "No changes" in out
    assert "take-profit level 1 filled at 66300" in runner_cli.run("plan", str(plan)).out
    assert len(runner_cli.writes()) == writes
    assert _position(server.state()) == 7

    # TP2: 3 more
    server.set_price("BTCUSDT", "67600")
    assert _position(server.state()) == 4
    assert "No changes" in _apply(runner_cli, plan)
    assert len(runner_cli.writes()) == writes
    assert [k for k, _, _ in _waiting(server.state())] == ["stop_loss", "trailing"]

    # the trailing stop activates at 68250 (mark), follows to 69000 and fires on a 1% retrace
    server.set_price("BTCUSDT", "68300")
    server.set_price("BTCUSDT", "69000")
    server.set_price("BTCUSDT", "68300")
    state = server.state()
    assert _position(state) == 0
    out = _apply(runner_cli, plan)
    assert "No changes" in out
    assert "does not re-open" in runner_cli.run("plan", str(plan)).out
    assert len(runner_cli.writes()) == writes
    assert _position(server.state()) == 0


def test_changing_the_trailing_stop_cancels_then_submits_once(
    runner_cli: Cli, tmp_path: Path
) -> None:
    server = runner_cli.server
    server.fund("futures", "2000")
    plan = write_plan(tmp_path / "swing.yaml", PLAN)
    _apply(runner_cli, plan)
    edited = write_plan(tmp_path / "swing.yaml", PLAN.replace('callback: "1%"', 'callback: "2%"'))
    before = len(runner_cli.writes())
    out = _apply(runner_cli, edited)
    assert "Applied and verified 2 change(s)." in out
    paths = [w.path for w in runner_cli.writes()[before:]]
    assert paths == [
        "/contract/private/cancel-trail-order",
        "/contract/private/submit-trail-order",
    ]
    trailing = [p for p in server.state()["plan_orders"] if p["kind"] == "trailing"]
    assert [(p["callback_rate"], p["state"]) for p in trailing if p["state"] == "waiting"] == [
        ("2", "waiting")
    ]
    assert "No changes" in _apply(runner_cli, edited)


def test_moving_a_level_modifies_it_in_place(runner_cli: Cli, tmp_path: Path) -> None:
    server = runner_cli.server
    server.fund("futures", "2000")
    plan = write_plan(tmp_path / "swing.yaml", PLAN)
    _apply(runner_cli, plan)
    edited = write_plan(tmp_path / "swing.yaml", PLAN.replace('"+4%", size: 3', '"+5%", size: 3'))
    before = len(runner_cli.writes())
    _apply(runner_cli, edited)
    assert [w.path for w in runner_cli.writes()[before:]] == [
        "/contract/private/modify-tp-sl-order"
    ]
    assert ("take_profit", "68250", "3") in _waiting(server.state())


RULED = PLAN.replace(
    '      trailing_stop: {activation: "+5%", callback: "1%", price_type: mark}\n',
    "      stop_rules:\n"
    "        - {after: tp1, move_stop_to: breakeven}\n"
    "        - {after: tp2, move_stop_to: tp1}\n",
)


def _stop(state: dict[str, Any]) -> str:
    (stop,) = [
        p["trigger_price"]
        for p in state["plan_orders"]
        if p["kind"] == "stop_loss" and p["state"] == "waiting"
    ]
    return str(stop)


def test_stop_rules_move_the_stop_exactly_once_per_filled_level(
    runner_cli: Cli, tmp_path: Path
) -> None:
    server = runner_cli.server
    server.fund("futures", "2000")
    plan = write_plan(tmp_path / "ruled.yaml", RULED)
    _apply(runner_cli, plan)
    assert _stop(server.state()) == "63050"

    server.set_price("BTCUSDT", "66400")  # TP1 fills at 66300
    before = len(runner_cli.writes())
    out = _apply(runner_cli, plan)
    assert (
        "move stop-loss 63050 -> 65078 (last) on BTCUSDT long (breakeven: tp1 filled at 66300"
        in out
    )
    assert [w.path for w in runner_cli.writes()[before:]] == [
        "/contract/private/modify-tp-sl-order"
    ]
    assert _stop(server.state()) == "65078"  # 65000 * (1 + 2 * 0.0006), up to the tick
    for _ in range(2):  # the move is done: later applies send nothing
        assert "No changes" in _apply(runner_cli, plan)
    assert len(runner_cli.writes()) == before + 1

    server.set_price("BTCUSDT", "67700")  # TP2 fills at 67600: the stop goes up to TP1
    out = _apply(runner_cli, plan)
    assert "move stop-loss 65078 -> 66300" in out and "(tp1: tp2 filled at 67600" in out
    assert _stop(server.state()) == "66300"
    assert "No changes" in _apply(runner_cli, plan)
    assert len(runner_cli.writes()) == before + 2
