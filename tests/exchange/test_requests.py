"""The one place an action becomes a wire request: BitMart's codes and string forms."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import Protection, SubmitOrder, SubmitTpSl, Transfer
from runner.domain import Margin, OrderSide, OrderType, PosSide, PriceSource, TriggerKind
from runner.exchange.requests import request_for


def test_market_open_with_presets_body() -> None:
    order = SubmitOrder(
        step_index=0,
        summary="open long",
        symbol="BTCUSDT",
        side=OrderSide.OPEN_LONG,
        size=D(10),
        order_type=OrderType.MARKET,
        leverage=D(10),
        margin=Margin.ISOLATED,
        cid="BRX",
        take_profit=Protection(D("72000"), PriceSource.LAST),
        stop_loss=Protection(D("64990.0"), PriceSource.MARK),
        est_price=D(67000),
    )
    assert request_for(order).body == {
        "symbol": "BTCUSDT",
        "client_order_id": "BRX",
        "side": 1,
        "type": "market",
        "size": 10,
        "leverage": "10",
        "open_type": "isolated",
        "preset_take_profit_price": "72000",
        "preset_take_profit_price_type": 1,
        "preset_stop_loss_price": "64990",
        "preset_stop_loss_price_type": 2,
    }


def test_close_order_sends_no_leverage() -> None:
    order = SubmitOrder(
        step_index=0,
        summary="close",
        symbol="BTCUSDT",
        side=OrderSide.CLOSE_LONG,
        size=D(3),
        order_type=OrderType.LIMIT,
        price=D("70000.5"),
        cid="BRY",
        est_price=D("70000.5"),
    )
    body = request_for(order).body
    assert body["side"] == 3
    assert body["price"] == "70000.5"
    assert "leverage" not in body
    assert "open_type" not in body


def test_tp_sl_for_short_closes_with_side_2() -> None:
    action = SubmitTpSl(
        step_index=1,
        summary="sl",
        symbol="ETHUSDT",
        side=PosSide.SHORT,
        kind=TriggerKind.STOP_LOSS,
        protection=Protection(D("3600"), PriceSource.MARK),
        cid="BRZ",
    )
    body = request_for(action).body
    assert body["side"] == 2
    assert body["plan_category"] == 2
    assert body["price_type"] == 2
    assert body["executive_price"] == "0"


def test_transfer_body_amount_is_string() -> None:
    transfer = Transfer(step_index=0, summary="t", amount=D("67.50"), to_futures=True)
    assert request_for(transfer).body == {
        "currency": "USDT",
        "amount": "67.5",
        "type": "spot_to_contract",
    }
