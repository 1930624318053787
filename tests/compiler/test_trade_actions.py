"""Trade-management actions: their wire requests (exchange/requests.py), saved-plan round trip."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import ModifyTpSl, Protection, SubmitTpSl, SubmitTrailing
from runner.compiler.snapshot import WorkingOrder, from_jsonable, to_jsonable
from runner.domain import Margin, OrderSide, PosSide, PriceSource, TpSlScope, TriggerKind
from runner.exchange.requests import request_for
from runner.saved_plan import action_from_json, action_to_json

from .fixtures import long_btc, snapshot

LEVEL = SubmitTpSl(
    step_index=1,
    summary="set take-profit level 2",
    symbol="BTCUSDT",
    side=PosSide.LONG,
    kind=TriggerKind.TAKE_PROFIT,
    protection=Protection(D("67600"), PriceSource.LAST, D(4)),
    cid="BRABCDEF1232ABC123",
    size=D(3),
    level=2,
    step_key="swing",
)
MOVE = ModifyTpSl(
    step_index=1,
    summary="move take-profit level 2",
    symbol="BTCUSDT",
    order_id="77",
    kind=TriggerKind.TAKE_PROFIT,
    protection=Protection(D("68000"), PriceSource.MARK),
    previous=Protection(D("67600"), PriceSource.LAST),
    scope=TpSlScope.PARTIAL,
)
TRAIL = SubmitTrailing(
    step_index=1,
    summary="set trailing stop",
    symbol="BTCUSDT",
    side=PosSide.SHORT,
    size=D(10),
    activation=D("61750"),
    source=PriceSource.MARK,
    callback=D("1.5"),
    leverage=D(10),
    margin=Margin.ISOLATED,
)


def test_a_ladder_level_is_a_fixed_quantity_tp_order() -> None:
    request = request_for(LEVEL)
    assert request.path == "/contract/private/submit-tp-sl-order"
    assert request.body == {
        "symbol": "BTCUSDT",
        "type": "take_profit",
        "side": 3,
        "trigger_price": "67600",
        "executive_price": "0",
        "price_type": 1,
        "plan_category": 1,
        "category": "market",
        "client_order_id": "BRABCDEF1232ABC123",
        "size": 3,
    }
    assert request_for(MOVE).body["plan_category"] == 1
    assert request_for(MOVE).body["price_type"] == 2


def test_a_trailing_stop_closes_the_position_side() -> None:
    request = request_for(TRAIL)
    assert request.path == "/contract/private/submit-trail-order"
    assert request.body == {
        "symbol": "BTCUSDT",
        "side": 2,  # close short
        "leverage": "10",
        "open_type": "isolated",
        "size": 10,
        "activation_price": "61750",
        "callback_rate": "1.5",
        "activation_price_type": 2,
    }


def test_saved_plans_keep_every_field() -> None:
    for action in (LEVEL, MOVE, TRAIL):
        assert action_from_json(action_to_json(action)) == action


def test_snapshots_keep_trailing_orders() -> None:
    trailing = WorkingOrder(
        "9",
        "",
        "BTCUSDT",
        OrderSide.CLOSE_LONG,
        "trailing",
        D(0),
        D(10),
        D(0),
        D(10),
        Margin.ISOLATED,
        activation_price=D("68250"),
        callback_rate=D(1),
        activation_source=PriceSource.MARK,
    )
    snap = snapshot(positions=(long_btc(),), orders=(trailing,))
    assert from_jsonable(to_jsonable(snap)) == snap
