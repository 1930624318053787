"""The bridge from plan files to compile: defaults applied, steps mapped, locations kept.

The end-to-end tests load a real YAML file, adapt it, and run the pure compile core on the
fixture snapshot, so the plan language and the engine are checked against each other.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal as D
from pathlib import Path

import pytest

from runner.compiler.actions import OrderIds, SubmitOrder, Transfer
from runner.compiler.adapt import from_plan
from runner.compiler.compile import compile_plan
from runner.compiler.intents import (
    KEEP,
    BalanceIntent,
    CancelIntent,
    CloseIntent,
    Entry,
    LeverageIntent,
    ModeIntent,
    OpenIntent,
    PlanIntents,
    PlanOrderIntent,
    PositionIntent,
    TpSlIntent,
    TransferIntent,
    Trigger,
)
from runner.domain import (
    CancelWhat,
    Margin,
    Mode,
    OrderType,
    PosSide,
    PriceSource,
    PriceWay,
    TimeInForce,
)
from runner.errors import PlanInvalid
from runner.findings import Location
from runner.plan import load_plan, validate_file
from tests.compiler.fixtures import reference_position

from .fixtures import long_btc, snapshot

IDS = OrderIds("btc-swing", nonce="abc123")

REFERENCE = """\
version: 1
name: btc-swing
steps:
  - ensure_balance: {min_available: 500}
  - position:
      symbol: BTCUSDT
      side: long
      size: 10
      leverage: 10
      margin: isolated
      entry: {type: market}
      take_profit: {trigger: 72000, price_type: last}
      stop_loss: {trigger: "-3%", price_type: mark}
"""


def adapt(tmp_path: Path, text: str, name: str = "plan.yaml") -> tuple[Path, PlanIntents]:
    path = tmp_path / name
    path.write_text(text)
    return path, from_plan(load_plan(path))


def test_reference_plan_maps_to_the_intents_compile_expects(tmp_path: Path) -> None:
    path, intents = adapt(tmp_path, REFERENCE)
    assert (intents.name, intents.path) == ("btc-swing", str(path))
    assert intents.plan_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    balance, position = intents.intents
    assert balance == BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(500))
    assert position == reference_position()


def test_reference_plan_compiles_end_to_end(tmp_path: Path) -> None:
    _, intents = adapt(tmp_path, REFERENCE)
    result = compile_plan(intents, snapshot(), IDS)
    assert not result.has_errors
    transfer, order = result.actions
    assert isinstance(transfer, Transfer)
    # 500 to keep available + what the open takes, so the target still holds after it (and a
    # re-apply finds nothing to do): margin 10 x 0.001 x 67000 / 10 = 67.00, taker fee
    # 670 x 0.0006 = 0.402 -> 67.402, whole USDT up -> 68
    assert (transfer.amount, transfer.to_futures) == (D(568), True)
    assert result.predicted.balances.futures_available >= D(500)
    assert not [f for f in result.findings if f.rule == "target-undone-later"]
    assert any("later steps of this plan use" in n for n in result.steps[0].notes)
    assert isinstance(order, SubmitOrder)
    assert (order.size, order.order_type, order.leverage) == (D(10), "market", D(10))
    assert order.stop_loss is not None and order.stop_loss.trigger == D("64990.0")  # -3% of 67000
    assert order.take_profit is not None and order.take_profit.trigger == D(72000)
    assert order.cid == IDS.make("#2", "O")


def test_balance_reserve_falls_back_to_the_plain_top_up_when_spot_cannot_cover_it(
    tmp_path: Path,
) -> None:
    _, intents = adapt(tmp_path, REFERENCE)
    result = compile_plan(intents, snapshot(spot="520"), IDS)  # 568 is more than spot holds
    assert not result.has_errors
    transfer = result.actions[0]
    assert isinstance(transfer, Transfer) and transfer.amount == D(500)
    (warning,) = [f for f in result.findings if f.rule == "target-undone-later"]
    assert "next apply will transfer again" in warning.message


def test_held_target_with_its_reserve_is_no_change(tmp_path: Path) -> None:
    _, intents = adapt(tmp_path, REFERENCE)
    first = compile_plan(intents, snapshot(), IDS)
    after = snapshot(
        futures=str(first.predicted.balances.futures_available),
        positions=(long_btc(leverage="10", margin=Margin.ISOLATED),),
    )
    again = compile_plan(intents, after, IDS)
    assert [a for a in again.actions if isinstance(a, Transfer)] == []


def test_live_findings_point_at_the_line_in_the_plan_file(tmp_path: Path) -> None:
    path, intents = adapt(tmp_path, REFERENCE)
    held = snapshot(futures="900", positions=(long_btc(leverage="20", margin=Margin.CROSS),))
    result = compile_plan(intents, held, IDS)
    located = {f.rule: f.location for f in result.findings}
    assert located["leverage-conflict"] == Location(str(path), 9, 17)
    assert located["margin-conflict"] == Location(str(path), 10, 15)


def test_policy_findings_point_at_the_policy_in_the_file(tmp_path: Path) -> None:
    text = REFERENCE.replace("steps:", "policy:\n  max_position_notional: 100\nsteps:")
    path, intents = adapt(tmp_path, text)
    assert intents.policy.max_position_notional == D(100)
    assert intents.policy.loc("max_position_notional") == Location(str(path), 4, 26)
    assert intents.policy.loc("allowed_symbols") == Location(str(path), 4, 3)


DEFAULTED = """\
version: 1
name: defaulted
defaults: {symbol: ETHUSDT, margin: cross, leverage: 5, price_type: mark}
steps:
  - position_mode: hedge
  - leverage: {}
  - id: eth
    position: {side: short, notional: 640, take_profit: {trigger: "-6%"}, stop_loss: null}
  - open: {side: long, size: 2, entry: {type: limit, price: 3150, mode: maker_only}}
  - close: {side: long, size: all}
  - tp_sl: {side: long, stop_loss: {trigger: 3000, price_type: last}}
  - transfer: {to_spot: 25.5}
  - id: dip
    plan_order: {side: long, size: 5, trigger: 2800, direction: falls, stop_loss: 2700}
  - cancel: {what: plan_orders, side: long}
"""


def test_defaults_fill_what_steps_leave_out(tmp_path: Path) -> None:
    path, intents = adapt(tmp_path, DEFAULTED)
    mode, leverage, position, opened, close, tp_sl, transfer, plan_order, cancel = intents.intents
    assert mode == ModeIntent(index=0, key="#1", kind="position_mode", mode=Mode.HEDGE)
    assert leverage == LeverageIntent(
        index=1, key="#2", kind="leverage", symbol="ETHUSDT", leverage=D(5), margin=Margin.CROSS
    )
    assert isinstance(position, PositionIntent)
    assert (position.key, position.symbol, position.size, position.notional) == (
        "eth",
        "ETHUSDT",
        None,
        D(640),
    )
    assert position.take_profit == Trigger(PriceSource.MARK, percent=D(-6))
    assert position.stop_loss is None  # null: none wanted
    assert isinstance(opened, OpenIntent)
    assert opened.entry == Entry(OrderType.LIMIT, D(3150), TimeInForce.MAKER_ONLY)
    assert opened.take_profit is KEEP and opened.stop_loss is KEEP  # absent: leave as is
    assert close == CloseIntent(
        index=4, key="#5", kind="close", symbol="ETHUSDT", side=PosSide.LONG, size=None
    )
    assert isinstance(tp_sl, TpSlIntent)
    assert tp_sl.stop_loss == Trigger(PriceSource.LAST, price=D(3000))
    assert tp_sl.take_profit is KEEP
    assert transfer == TransferIntent(
        index=6, key="#7", kind="transfer", amount=D("25.5"), to_futures=False
    )
    assert plan_order == PlanOrderIntent(
        index=7,
        key="dip",
        kind="plan_order",
        symbol="ETHUSDT",
        side=PosSide.LONG,
        reduce_only=False,
        size=D(5),
        trigger=D(2800),
        source=PriceSource.MARK,
        direction=PriceWay.FALL,
        entry=Entry(),
        leverage=D(5),
        margin=Margin.CROSS,
        stop_loss=D(2700),
    )
    assert cancel == CancelIntent(
        index=8,
        key="#9",
        kind="cancel",
        symbol="ETHUSDT",
        what=CancelWhat.PLAN_ORDERS,
        side=PosSide.LONG,
    )
    # a defaulted field is located at its defaults entry, a missing one at the step
    assert position.loc("leverage") == Location(str(path), 3, 54)
    assert position.loc("notional") == Location(str(path), 8, 39)
    assert position.loc("size") == Location(str(path), 8, 15)
    assert position.loc("") == Location(str(path), 7, 5)
    assert intents.symbols() == ("ETHUSDT",)
    assert intents.moves_funds and intents.mode_sensitive


def test_price_type_defaults_to_last_when_nothing_says_otherwise(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: x\nsteps:\n"
        '  - tp_sl: {symbol: BTCUSDT, side: long, take_profit: {trigger: "+5%"}}\n'
    )
    _, intents = adapt(tmp_path, text)
    (tp_sl,) = intents.intents
    assert isinstance(tp_sl, TpSlIntent)
    assert tp_sl.take_profit == Trigger(PriceSource.LAST, percent=D(5))


def test_every_example_plan_adapts_and_compiles(repo: Path) -> None:
    for path in sorted((repo / "plans" / "examples").glob("*.yaml")):
        intents = from_plan(load_plan(path))
        result = compile_plan(intents, snapshot(futures="5000"), OrderIds(intents.name, "abc123"))
        assert len(result.steps) == len(intents.intents), path.name


def test_a_plan_with_rule_errors_is_refused_by_the_bridge(tmp_path: Path) -> None:
    path = tmp_path / "nosymbol.yaml"
    path.write_text("version: 1\nname: x\nsteps:\n  - cancel: {}\n")
    plan, findings = validate_file(path)
    assert plan is not None
    assert [f.rule for f in findings] == ["symbol-missing"]
    with pytest.raises(PlanInvalid, match="cancel step needs a symbol"):
        from_plan(plan)


@pytest.mark.parametrize(
    ("step", "sensitive"),
    [
        ("- position: {symbol: BTCUSDT, side: long, size: 1, leverage: 5}", False),
        (
            "- position: {symbol: BTCUSDT, side: long, size: 1, leverage: 5,"
            ' stop_loss: {trigger: "-3%"}, take_profit: {trigger: "+5%"}}',
            False,
        ),
        ("- ensure_balance: {min_available: 100}", True),
        (
            "- position: {symbol: BTCUSDT, side: long, leverage: 5, risk: {usdt: 20},"
            ' stop_loss: {trigger: "-2%"}}',
            True,
        ),
        (
            "- tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: breakeven}}",
            True,
        ),
    ],
    ids=["fixed-size", "relative-tp-sl", "top-up", "risk-sized", "breakeven"],
)
def test_a_plan_is_fee_sensitive_when_its_actions_follow_the_fee_rates(
    tmp_path: Path, step: str, sensitive: bool
) -> None:
    _, intents = adapt(tmp_path, f"version: 1\nname: x\nsteps:\n  {step}\n")
    assert intents.fee_sensitive is sensitive
