from __future__ import annotations

import re
from decimal import Decimal as D

from runner.compiler.actions import (
    OrderIds,
    Protection,
    SubmitOrder,
    SubmitTpSl,
    Transfer,
    close_side_code,
    open_side_code,
    plan_tag,
)
from runner.domain import Margin, PosSide, PriceSource


def test_client_order_ids_are_alphanumeric_at_most_32_and_deterministic() -> None:
    ids = OrderIds("btc-swing", nonce="a1b2c3")
    cid = ids.make("#1", "O")
    assert re.fullmatch(r"[A-Za-z0-9]{1,32}", cid)
    assert cid == OrderIds("btc-swing", nonce="a1b2c3").make("#1", "O")
    assert cid.startswith(ids.prefix("#1"))
    assert ids.make("#1", "T") != cid
    assert ids.make("#2", "O") != cid
    assert OrderIds("btc-swing", nonce="zzzzzz").make("#1", "O") != cid
    assert OrderIds("eth-swing", nonce="a1b2c3").make("#1", "O")[:8] != cid[:8]
    assert len(plan_tag("x")) == 6


def test_nonce_is_sanitised_to_alphanumerics() -> None:
    cid = OrderIds("p", nonce="20261124T1-ab").make("s", "O")
    assert re.fullmatch(r"[A-Z0-9]+", cid)


def test_market_open_with_presets_body() -> None:
    order = SubmitOrder(
        step_index=0,
        summary="open long",
        symbol="BTCUSDT",
        side_code=open_side_code(PosSide.LONG),
        size=D(10),
        order_type="market",
        leverage=D(10),
        margin=Margin.ISOLATED,
        cid="BRX",
        take_profit=Protection(D("72000"), PriceSource.LAST),
        stop_loss=Protection(D("64990.0"), PriceSource.MARK),
        est_price=D(67000),
    )
    assert order.body() == {
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
        side_code=close_side_code(PosSide.LONG),
        size=D(3),
        order_type="limit",
        price=D("70000.5"),
        cid="BRY",
        est_price=D("70000.5"),
    )
    body = order.body()
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
        kind="stop_loss",
        protection=Protection(D("3600"), PriceSource.MARK),
        cid="BRZ",
    )
    body = action.body()
    assert body["side"] == 2
    assert body["plan_category"] == 2
    assert body["price_type"] == 2
    assert body["executive_price"] == "0"


def test_transfer_body_amount_is_string() -> None:
    assert Transfer(step_index=0, summary="t", amount=D("67.50"), to_futures=True).body() == {
        "currency": "USDT",
        "amount": "67.5",
        "type": "spot_to_contract",
    }
