"""The typed plan: steps as written, exact decimals, and where each field was written."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from runner.findings import Location
from runner.plan import InvalidPlanFile, load_plan
from runner.plan.model import (
    ABSENT,
    CancelStep,
    CancelWhat,
    CloseStep,
    Direction,
    EnsureBalanceStep,
    Entry,
    LeverageStep,
    MarginMode,
    OpenStep,
    OrderType,
    PlanOrderStep,
    PositionMode,
    PositionModeStep,
    PositionStep,
    PriceLevel,
    PriceType,
    Side,
    TimeInForce,
    TpSlStep,
    TransferDirection,
    TransferStep,
    Trigger,
)

from .helpers import PATH, plan_of, with_steps

EVERY_KIND = with_steps(
    """\
  - ensure_balance: {min_available: 500}
  - transfer: {to_spot: 12.5}
  - position_mode: one_way
  - leverage: {symbol: ETHUSDT, leverage: 5, margin: cross}
  - id: main
    note: the core position
    position:
      symbol: BTCUSDT
      side: long
      size: 10
      entry: {type: limit, price: 64000.5, mode: maker_only}
      take_profit: {trigger: 72000, price_type: last}
      stop_loss: {trigger: "-3%"}
  - open: {symbol: SOLUSDT, side: short, notional: "150.75", take_profit: null}
  - close: {symbol: ETHUSDT, side: long, size: all}
  - tp_sl: {symbol: ETHUSDT, side: short, stop_loss: {trigger: "+2.5%", price_type: mark}}
  - id: dip
    plan_order:
      symbol: ETHUSDT
      side: long
      size: 5
      trigger: 2800
      direction: falls
      order: {type: limit, price: 2795}
      reduce_only: false
      stop_loss: 2650
  - cancel: {symbol: BTCUSDT, what: plan_orders, side: long}
""",
    head="defaults: {margin: isolated, leverage: 3, price_type: mark}\n",
)


def test_every_step_kind_becomes_its_typed_step() -> None:
    plan = plan_of(EVERY_KIND)
    assert [type(s) for s in plan.steps] == [
        EnsureBalanceStep,
        TransferStep,
        PositionModeStep,
        LeverageStep,
        PositionStep,
        OpenStep,
        CloseStep,
        TpSlStep,
        PlanOrderStep,
        CancelStep,
    ]
    balance, transfer, mode, leverage, position, opened, close, tp_sl, plan_order, cancel = (
        plan.steps
    )
    assert balance == EnsureBalanceStep(index=0, min_available=Decimal(500))
    assert transfer == TransferStep(
        index=1, amount=Decimal("12.5"), direction=TransferDirection.TO_SPOT
    )
    assert mode == PositionModeStep(index=2, mode=PositionMode.ONE_WAY)
    assert leverage == LeverageStep(
        index=3, symbol="ETHUSDT", leverage=Decimal(5), margin=MarginMode.CROSS
    )
    assert position == PositionStep(
        index=4,
        id="main",
        note="the core position",
        symbol="BTCUSDT",
        side=Side.LONG,
        size=Decimal(10),
        entry=Entry(OrderType.LIMIT, Decimal("64000.5"), TimeInForce.MAKER_ONLY),
        take_profit=Trigger(PriceLevel(price=Decimal(72000)), PriceType.LAST),
        stop_loss=Trigger(PriceLevel(percent=Decimal(-3))),
    )
    assert opened.take_profit is None and opened.stop_loss is ABSENT
    assert opened.notional == Decimal("150.75") and opened.size is None
    assert close == CloseStep(index=6, symbol="ETHUSDT", side=Side.LONG, size=None)
    assert tp_sl.take_profit is ABSENT
    assert tp_sl.stop_loss == Trigger(PriceLevel(percent=Decimal("2.5")), PriceType.MARK)
    assert plan_order.direction is Direction.FALLS
    assert plan_order.trigger == PriceLevel(price=Decimal(2800))
    assert plan_order.stop_loss == PriceLevel(price=Decimal(2650))
    assert plan_order.take_profit is None
    assert cancel == CancelStep(
        index=9, symbol="BTCUSDT", what=CancelWhat.PLAN_ORDERS, side=Side.LONG
    )
    assert [s.key for s in plan.steps][3:6] == ["#4", "main", "#6"]


def test_plan_header_policy_and_defaults() -> None:
    text = with_steps(
        "  - position_mode: hedge\n",
        head="description: d\npolicy:\n  max_leverage: 20\n  allowed_symbols: [BTCUSDT]\n"
        "defaults: {symbol: BTCUSDT, price_type: mark}\n",
    )
    plan = plan_of(text)
    assert (plan.version, plan.name, plan.description) == (1, "t", "d")
    assert plan.policy is not None
    assert plan.policy.max_leverage == Decimal(20)
    assert plan.policy.allowed_symbols == ("BTCUSDT",)
    assert not plan.policy.require_stop_loss
    assert plan.defaults.symbol == "BTCUSDT"
    assert plan.defaults.price_type is PriceType.MARK
    assert plan.defaults.leverage is None
    assert plan.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_decimals_keep_their_written_digits() -> None:
    plan = plan_of(with_steps("  - transfer: {amount: 0.1, direction: to_futures}\n"))
    step = plan.steps[0]
    assert isinstance(step, TransferStep)
    assert step.amount == Decimal("0.1")
    assert step.amount * 3 == Decimal("0.3")  # float 0.1 * 3 would not be


def test_field_locations_point_at_what_was_written() -> None:
    plan = plan_of(EVERY_KIND)
    position = plan.steps[4]
    line = EVERY_KIND.splitlines()
    size_line = next(i for i, text in enumerate(line, 1) if "size: 10" in text)
    assert plan.field_location(position, "size") == Location(PATH, size_line, 13)
    assert plan.field_location(position, "") == plan.locate("/steps/4")
    entry_line = size_line + 1
    price_col = line[entry_line - 1].index("64000.5") + 1
    assert plan.field_location(position, "entry.price") == Location(PATH, entry_line, price_col)
    # not written in the step but in defaults: the defaults line
    leverage_col = line[2].index("3,") + 1
    assert plan.field_location(position, "leverage") == Location(PATH, 3, leverage_col)
    assert plan.field_location(position, "take_profit.price_type").line == size_line + 2
    # neither in the step nor in defaults: the nearest written parent
    assert plan.field_location(position, "notional") == plan.locate("/steps/4/position")


def test_shorthand_transfer_locates_amount_and_direction_at_the_shorthand() -> None:
    plan = plan_of(EVERY_KIND)
    transfer = plan.steps[1]
    assert plan.field_location(transfer, "amount") == plan.locate("/steps/1/transfer/to_spot")
    assert plan.field_location(transfer, "direction") == plan.locate("/steps/1/transfer/to_spot")


def test_load_plan_returns_the_plan_or_raises_with_the_first_error(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(with_steps("  - position_mode: hedge\n"))
    assert load_plan(good).steps == (PositionModeStep(index=0, mode=PositionMode.HEDGE),)
    bad = tmp_path / "bad.yaml"
    bad.write_text(with_steps("  - position_mode: hedged\n  - position_mode: sideways\n"))
    with pytest.raises(InvalidPlanFile) as caught:
        load_plan(bad)
    assert caught.value.exit_code == 1
    assert str(caught.value).startswith(f"{bad}:4:20: position_mode must be one of")
    assert "(and 1 more)" in caught.value.message
    assert len(caught.value.findings) == 2
