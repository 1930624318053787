"""Targets on a moving market, end to end over HTTP: a position step remembers what it did.

Price paths through `POST /sim/price` stop the position out, take its profit or liquidate it;
the next `apply --yes` (as from cron) must not open it again unless the step's `reentry` says
so, and `plan` says what happened.  Time passes through the one clock runner and simulator share.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import requests

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, FakeTime, write_plan
from tests.render.output_schemas import checked

PLAN = """\
version: 1
name: stops
steps:
  - ensure_balance: {{min_available: 2000}}
  - id: btc
    position:
      symbol: BTCUSDT
      side: long
      size: 10
      leverage: 10
      margin: isolated
      take_profit: {{trigger: "+5%"}}
      stop_loss: {{trigger: "-3%"}}
{extra}"""


def _plan(tmp_path: Path, extra: str = "", name: str = "plan.yaml") -> Path:
    return write_plan(tmp_path / name, PLAN.format(extra=extra))


def _price(cli: Cli, price: str) -> None:
    answer = requests.post(
        cli.server.url + "/sim/price", json={"symbol": "BTCUSDT", "price": price}, timeout=5
    )
    assert answer.status_code == 200, answer.text


def _long_size(cli: Cli) -> Decimal:
    sizes = [
        Decimal(str(p["size"]))
        for p in cli.server.state()["positions"]
        if p["symbol"] == "BTCUSDT" and p["side"] == "long"
    ]
    return sum(sizes, Decimal(0))


def _opening_orders(cli: Cli) -> int:
    return sum(1 for o in cli.server.state()["orders"] if o["side"] == 1)


def _apply(cli: Cli, plan: Path, *extra: str) -> str:
    result = cli.run("apply", str(plan), "--yes", *extra)
    assert result.code == ExitCode.OK, result.text
    return result.out


def test_stopped_out_position_is_not_reopened(runner_cli: Cli, tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _apply(runner_cli, plan)
    assert _long_size(runner_cli) == 10
    _price(runner_cli, "62000")  # through the -3% stop (63050)
    assert _long_size(runner_cli) == 0

    shown = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert shown.code == ExitCode.OK, shown.text
    assert "stopped out at 63050" in shown.out
    assert "USDT incl. fees" in shown.out
    assert "stays flat (reentry: never)" in shown.out

    writes = len(runner_cli.writes())
    out = _apply(runner_cli, plan)
    assert "No changes" in out
    assert len(runner_cli.writes()) == writes
    assert _long_size(runner_cli) == 0 and _opening_orders(runner_cli) == 1
    # and still nothing on the runs after that (the record survives its own re-save)
    _apply(runner_cli, plan)
    assert _long_size(runner_cli) == 0 and _opening_orders(runner_cli) == 1


def test_take_profit_completes_the_step(runner_cli: Cli, tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _apply(runner_cli, plan)
    _price(runner_cli, "69000")  # through the +5% take-profit (68250)
    assert _long_size(runner_cli) == 0
    out = _apply(runner_cli, plan)
    assert "took profit at 68250" in out
    assert _long_size(runner_cli) == 0 and _opening_orders(runner_cli) == 1


def test_liquidation_completes_the_step(runner_cli: Cli, tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "liq.yaml",
        PLAN.format(extra="").replace('      stop_loss: {trigger: "-3%"}\n', ""),
    )
    _apply(runner_cli, plan)
    _price(runner_cli, "50000")  # far below a 10x long's liquidation price
    assert _long_size(runner_cli) == 0
    shown = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert shown.code == ExitCode.OK, shown.text
    assert "liquidated at" in shown.out
    _apply(runner_cli, plan)
    assert _long_size(runner_cli) == 0 and _opening_orders(runner_cli) == 1


def test_reentry_always_opens_again(runner_cli: Cli, tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "always.yaml",
        PLAN.format(extra="").replace("size: 10\n", "size: 10\n      reentry: always\n"),
    )
    _apply(runner_cli, plan)
    _price(runner_cli, "62000")
    # re-entering is drift (the step is unchanged; the market stopped it out): under --yes it
    # needs policy.allow_risk_increase or --allow-risk-increase (issue 14)
    refused = runner_cli.run("apply", str(plan), "--yes")
    assert refused.code == ExitCode.INVALID and "risk-drift" in refused.text, refused.text
    out = _apply(runner_cli, plan, "--allow-risk-increase")
    assert "opens again (reentry: always)" in out
    assert _long_size(runner_cli) == 10 and _opening_orders(runner_cli) == 2


def test_reentry_after_waits_on_the_exchange_clock(
    runner_cli: Cli, tmp_path: Path, fake_time: FakeTime
) -> None:
    plan = write_plan(
        tmp_path / "after.yaml",
        PLAN.format(extra="").replace("size: 10\n", "size: 10\n      reentry: {after: 1h}\n"),
    )
    _apply(runner_cli, plan)
    _price(runner_cli, "62000")
    waiting = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert waiting.code == ExitCode.OK, waiting.text
    assert "stays flat until" in waiting.out and "(reentry: after 1h)" in waiting.out
    fake_time.sleep(30 * 60)
    _apply(runner_cli, plan)
    assert _long_size(runner_cli) == 0
    fake_time.sleep(31 * 60)
    out = _apply(runner_cli, plan, "--allow-risk-increase")  # re-entry is drift (issue 14)
    assert "opens again, 1h have passed" in out
    assert _long_size(runner_cli) == 10 and _opening_orders(runner_cli) == 2


def test_editing_the_step_rearms_it(runner_cli: Cli, tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _apply(runner_cli, plan)
    _price(runner_cli, "62000")
    _apply(runner_cli, plan)
    assert _long_size(runner_cli) == 0
    plan.write_text(plan.read_text("utf-8").replace("size: 10", "size: 8"), "utf-8")
    out = _apply(runner_cli, plan)
    assert "the step was edited since: re-armed" in out
    assert _long_size(runner_cli) == 8


def test_a_manual_close_is_drift_and_the_step_stays_flat(runner_cli: Cli, tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _apply(runner_cli, plan)
    manual = write_plan(
        tmp_path / "manual.yaml",
        "version: 1\nname: by-hand\nsteps:\n  - close: {symbol: BTCUSDT, side: long, size: all}\n",
    )
    _apply(runner_cli, manual)  # another plan: not this step's runner, so outside for it
    assert _long_size(runner_cli) == 0
    out = _apply(runner_cli, plan)
    assert "closed outside the runner" in out and "stays flat (reentry: never)" in out
    assert _long_size(runner_cli) == 0


def _post(cli: Cli, path: str, body: dict[str, object]) -> None:
    answer = requests.post(cli.server.url + path, json=body, timeout=5)
    assert answer.status_code == 200, answer.text


LIMIT_PLAN = """\
version: 1
name: resting
steps:
  - ensure_balance: {{min_available: 2000}}
  - id: dip
    position:
      symbol: BTCUSDT
      side: long
      size: 10
      leverage: 10
      margin: isolated
      entry: {{type: limit, price: 64000{expire}}}
      stop_loss: {{trigger: 62000}}
"""


def _open_entries(cli: Cli) -> list[dict[str, object]]:
    return [
        o
        for o in cli.server.state()["orders"]
        if o["side"] == 1 and o["state"] == "working" and str(o["client_order_id"]).startswith("BR")
    ]


def test_reentry_after_counts_simulated_time(runner_cli: Cli, tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "after.yaml",
        PLAN.format(extra="").replace("size: 10\n", "size: 10\n      reentry: {after: 2h}\n"),
    )
    _apply(runner_cli, plan)
    _price(runner_cli, "62000")
    _post(runner_cli, "/sim/clock", {"advance_ms": 3_600_000})
    _apply(runner_cli, plan)
    assert _long_size(runner_cli) == 0
    _post(runner_cli, "/sim/clock", {"advance_ms": 3_600_000})
    _apply(runner_cli, plan, "--allow-risk-increase")  # re-entry is drift (issue 14)
    assert _long_size(runner_cli) == 10


def test_a_partly_filled_entry_is_pending_then_its_rest_goes_with_the_stop_out(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "limit.yaml", LIMIT_PLAN.format(expire=""))
    _apply(runner_cli, plan)
    (entry,) = _open_entries(runner_cli)
    # 4 of the 10 fill from the book's asks at the limit price; 6 keep resting
    _post(
        runner_cli,
        "/sim/book",
        {"symbol": "BTCUSDT", "bids": [["63990", "100"]], "asks": [["64000", "4"]]},
    )
    assert _long_size(runner_cli) == 4
    shown = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert shown.code == ExitCode.OK, shown.text  # pending, not "add 6 more"
    writes = len(runner_cli.writes())
    _apply(runner_cli, plan)
    assert len(runner_cli.writes()) == writes

    _price(runner_cli, "61500")  # the stop closes the 4; nothing offers at 64000 any more
    assert _long_size(runner_cli) == 0
    assert [o["order_id"] for o in _open_entries(runner_cli)] == [entry["order_id"]]
    out = _apply(runner_cli, plan)
    assert "stopped out" in out and "its position was closed" in out
    assert _open_entries(runner_cli) == [] and _long_size(runner_cli) == 0
    assert "No changes" in _apply(runner_cli, plan)


def test_an_expired_entry_is_cancelled_once_and_not_placed_again(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "expiring.yaml", LIMIT_PLAN.format(expire=", expire_after: 2h"))
    _apply(runner_cli, plan)
    assert len(_open_entries(runner_cli)) == 1
    _post(runner_cli, "/sim/clock", {"advance_ms": 3_600_000})
    assert "No changes" in _apply(runner_cli, plan)
    _post(runner_cli, "/sim/clock", {"advance_ms": 3_700_000})
    out = _apply(runner_cli, plan)
    assert "rested past expire_after 2h" in out
    assert _open_entries(runner_cli) == []
    again = _apply(runner_cli, plan)
    assert "No changes" in again and "stays flat until the step is edited" in again
    assert _open_entries(runner_cli) == []


def test_a_partly_filled_expired_entry_keeps_its_fill_without_a_top_up(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "expiring.yaml", LIMIT_PLAN.format(expire=", expire_after: 2h"))
    _apply(runner_cli, plan)
    _post(
        runner_cli,
        "/sim/book",
        {"symbol": "BTCUSDT", "bids": [["63990", "100"]], "asks": [["64000", "4"]]},
    )
    _post(runner_cli, "/sim/clock", {"advance_ms": 3 * 3_600_000})
    out = _apply(runner_cli, plan)
    assert "completed at the 4 contracts that filled" in out
    assert _open_entries(runner_cli) == [] and _long_size(runner_cli) == 4
    again = _apply(runner_cli, plan)
    assert "No changes" in again and "no top-up" in again
    assert _long_size(runner_cli) == 4


def _entry_order(cli: Cli) -> dict[str, object]:
    """The resting entry as the exchange reports it (presets included), through `status`."""
    status = cli.run("status", "--json")
    assert status.code == ExitCode.OK, status.text
    (entry,) = json.loads(status.out)["open_orders"]
    return dict(entry)


def test_edits_to_a_resting_entry_are_modifications_applied_once(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "limit.yaml", LIMIT_PLAN.format(expire=""))
    _apply(runner_cli, plan)
    before = _entry_order(runner_cli)
    assert before["price"] == "64000" and before["preset_sl"] == "62000"
    edited = (
        plan.read_text("utf-8")
        .replace("price: 64000", "price: 63500")
        .replace("size: 10", "size: 12")
        .replace("trigger: 62000", "trigger: 61500")
    )
    plan.write_text(edited, "utf-8")
    shown = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert shown.code == ExitCode.CHANGES, shown.text
    assert "price 64000 -> 63500, size 10 -> 12" in shown.out
    assert "SL 62000 -> 61500" in shown.out
    _apply(runner_cli, plan)
    after = _entry_order(runner_cli)
    assert after["order_id"] == before["order_id"]
    assert (after["price"], after["size"], after["preset_sl"]) == ("63500", "12", "61500")
    paths = runner_cli.write_paths()
    assert paths.count("/contract/private/modify-limit-order") == 1
    assert paths.count("/contract/private/modify-preset-plan-order") == 1
    assert "/contract/private/cancel-order" not in paths
    again = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert again.code == ExitCode.OK, again.text


DIP = """\
version: 1
name: dip
steps:
  - ensure_balance: {min_available: 500}
  - id: dip-buy
    plan_order:
      symbol: ETHUSDT
      side: long
      size: 5
      trigger: 3000
      direction: falls
      order: {type: market}
      leverage: 5
      margin: cross
      stop_loss: 2850
"""


def test_a_waiting_plan_orders_trigger_and_preset_stop_are_modified_in_place(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "dip.yaml", DIP)
    _apply(runner_cli, plan)
    (waiting,) = [t for t in runner_cli.server.state()["plan_orders"] if t["kind"] == "plan"]
    plan.write_text(DIP.replace("trigger: 3000", "trigger: 2990").replace("2850", "2800"), "utf-8")
    shown = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert shown.code == ExitCode.CHANGES, shown.text
    assert "trigger 3000 -> 2990" in shown.out and "SL 2850 -> 2800" in shown.out
    _apply(runner_cli, plan)
    paths = runner_cli.write_paths()
    assert paths.count("/contract/private/modify-plan-order") == 1
    assert paths.count("/contract/private/modify-preset-plan-order") == 1
    assert paths.count("/contract/private/submit-plan-order") == 1
    assert "No changes" in _apply(runner_cli, plan)
    # when it fires, the position gets the new stop, not the old one
    _post(runner_cli, "/sim/price", {"symbol": "ETHUSDT", "price": "2985"})
    stops = [
        t
        for t in runner_cli.server.state()["plan_orders"]
        if t["kind"] == "stop_loss" and t["state"] == "waiting"
    ]
    assert [Decimal(str(t["trigger_price"])) for t in stops] == [Decimal(2800)], stops
    assert waiting["order_id"] not in [t["order_id"] for t in stops]


def test_a_resting_close_is_counted_and_never_stacked(runner_cli: Cli, tmp_path: Path) -> None:
    _apply(runner_cli, _plan(tmp_path))
    close = write_plan(
        tmp_path / "take-half.yaml",
        "version: 1\nname: take-half\nsteps:\n  - id: half\n    close:\n"
        "      {symbol: BTCUSDT, side: long, size: 5, entry: {type: limit, price: 67000}}\n",
    )
    _apply(runner_cli, close)
    for _ in range(3):  # cron keeps running it while the close rests
        shown = runner_cli.run("plan", str(close), "--detailed-exitcode")
        assert shown.code == ExitCode.OK, shown.text
        assert "still resting" in shown.out
        assert "No changes" in _apply(runner_cli, close)
    resting = [
        o for o in runner_cli.server.state()["orders"] if o["side"] == 3 and o["state"] == "working"
    ]
    assert len(resting) == 1 and _long_size(runner_cli) == 10


def test_status_tells_what_happened_since_the_last_apply(
    runner_cli: Cli, tmp_path: Path, fake_time: FakeTime
) -> None:
    _apply(runner_cli, _plan(tmp_path))
    fake_time.sleep(1)
    quiet = runner_cli.run("status")
    assert quiet.code == ExitCode.OK, quiet.text
    assert "Since the last apply" in quiet.out and "fills: none" in quiet.out
    _post(runner_cli, "/sim/funding", {"symbol": "BTCUSDT", "rate": "0.0001"})
    _post(runner_cli, "/sim/clock", {"advance_ms": 8 * 3_600_000})  # one funding settlement
    _price(runner_cli, "62000")  # the stop fires
    shown = runner_cli.run("status")
    assert shown.code == ExitCode.OK, shown.text
    assert "close long 10 @ 63050 (take-profit/stop-loss)" in shown.out
    assert "closed by the exchange: 1" in shown.out
    document = checked(runner_cli.run("status", "--json").out, "status", 0)
    activity = document["activity"]
    assert activity["since_last_apply"] is True
    (fill,) = activity["fills"]
    assert (fill["cause"], fill["price"], fill["size"]) == ("tp_sl", "63050", "10")
    assert Decimal(activity["realized_pnl"]) == Decimal("-19.5")  # 10 x 0.001 x (63050 - 65000)
    assert Decimal(activity["funding"]) < 0  # a long pays a positive rate
    assert Decimal(activity["fees"]) > 0


def test_the_dip_swing_example_from_cron(runner_cli: Cli) -> None:
    example = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-dip-swing.yaml"
    _apply(runner_cli, example)
    assert "No changes" in _apply(runner_cli, example)  # the entry rests: pending, not stacked
    _price(runner_cli, "61900")  # fills at 62000
    assert _long_size(runner_cli) == 4
    assert "No changes" in _apply(runner_cli, example)
    _price(runner_cli, "60000")  # through the stop (60140)
    out = _apply(runner_cli, example)
    assert "stopped out at 60140" in out and "stays flat until" in out
    _post(runner_cli, "/sim/clock", {"advance_ms": 25 * 3_600_000})
    assert "opens again" in _apply(runner_cli, example)
