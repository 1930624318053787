"""Conformance with BitMart's OFFICIAL Python SDK (bitmart-python-sdk-api): a full trading round.

Every call goes through ``APIContract`` against the simulator over HTTP; every response is parsed
by the SDK and checked for the fields and JSON types the API facts (section 13) document.  Where
the SDK's docstrings disagree with the facts, the facts decide:
  - submit-tp-sl-order: the SDK docstring says plan_category defaults to 1; the facts (16 #10)
    say 2, so the test always sends it explicitly.
  - the SDK's submit-order docstring still lists type "trailing"; facts (16 #35) removed it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest

from runner.sim.server import SimServer

SYMBOL = "BTCUSDT"
Check = dict[str, type | tuple[type, ...]]


def _no_floats(value: Any, where: str = "data") -> None:
    """Decimals travel as strings (facts section 1): a JSON float anywhere is a bug."""
    if isinstance(value, float):
        raise AssertionError(f"{where} is a JSON float: {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_floats(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _no_floats(item, f"{where}[{index}]")


def _fields(obj: dict[str, Any], check: Check) -> None:
    for name, kind in check.items():
        assert name in obj, f"missing field {name!r} in {sorted(obj)}"
        assert isinstance(obj[name], kind) and not isinstance(obj[name], bool), (
            f"{name}={obj[name]!r} is {type(obj[name]).__name__}, expected {kind}"
        )


def _ok(result: tuple[dict[str, Any], dict[str, str]]) -> Any:
    body, limits = result
    assert body["code"] == 1000, body
    assert str(body["message"]).lower() in ("ok", "success")
    assert isinstance(body["trace"], str) and body["trace"]
    assert set(limits) == {"Remaining", "Limit", "Reset", "Mode"}  # the SDK reads all four
    _no_floats(body.get("data"))
    return body.get("data")


def _tick(price: Decimal, tick: Decimal) -> str:
    return str((price / tick).to_integral_value(ROUND_DOWN) * tick)


@pytest.fixture
def api(make_sim_server: Callable[..., SimServer], sdk_client: Callable[[SimServer], Any]) -> Any:
    # Rate limits off: this walks ~25 endpoints back to back (the limiter has its own tests).
    return sdk_client(make_sim_server(rate_limit=False))


CONTRACT: Check = {
    "symbol": str,
    "product_type": int,
    "contract_size": str,
    "min_leverage": str,
    "max_leverage": str,
    "price_precision": str,
    "vol_precision": str,
    "max_volume": str,
    "market_max_volume": str,
    "min_volume": str,
    "last_price": str,
    "index_price": str,
    "funding_rate": str,
    "funding_interval_hours": int,
    "status": str,
}
POSITION_V2: Check = {
    "symbol": str,
    "leverage": str,
    "timestamp": int,
    "open_timestamp": int,
    "current_amount": str,
    "position_amount": str,
    "entry_price": str,
    "open_avg_price": str,
    "mark_price": str,
    "unrealized_pnl": str,
    "liquidation_price": str,
    "open_type": str,
    "position_side": str,
    "initial_margin": str,
    "maintenance_margin": str,
    "max_notional_value": str,
}
ORDER: Check = {
    "order_id": str,
    "client_order_id": str,
    "symbol": str,
    "side": int,
    "type": str,
    "leverage": str,
    "open_type": str,
    "price": str,
    "size": str,
    "deal_avg_price": str,
    "deal_size": str,
    "state": int,
    "create_time": int,
    "update_time": int,
}
PLAN_ORDER: Check = {
    "order_id": str,
    "client_order_id": str,
    "symbol": str,
    "side": int,
    "type": str,
    "price_way": int,
    "price_type": int,
    "plan_category": int,
    "size": str,
    "trigger_price": str,
    "executive_price": str,
    "state": int,
    "create_time": int,
}
ASSET: Check = {
    "currency": str,
    "available_balance": str,
    "frozen_balance": str,
    "position_deposit": str,
    "equity": str,
    "unrealized": str,
}


def _usdt(api: Any) -> dict[str, Any]:
    rows = _ok(api.get_assets_detail())
    for row in rows:
        _fields(row, ASSET)
    return next(row for row in rows if row["currency"] == "USDT")


def test_full_round_with_the_official_sdk(api: Any) -> None:
    contract = _ok(api.get_details(SYMBOL))["symbols"][0]
    _fields(contract, CONTRACT)
    last, tick = Decimal(contract["last_price"]), Decimal(contract["price_precision"])

    # Transfers: spot -> futures.
    moved = _ok(api.post_transfer(currency="USDT", amount="2000", type="spot_to_contract"))
    assert moved == {"currency": "USDT", "amount": "2000"}
    assert Decimal(_usdt(api)["available_balance"]) == Decimal("2000")

    # Position mode and leverage.
    assert _ok(api.get_position_mode())["position_mode"] in ("hedge_mode", "one_way_mode")
    assert _ok(api.post_set_position_mode("hedge_mode")) == {"position_mode": "hedge_mode"}
    leverage = _ok(api.post_submit_leverage(SYMBOL, open_type="isolated", leverage="10"))
    _fields(leverage, {"symbol": str, "leverage": str, "open_type": str, "max_value": str})
    assert (leverage["leverage"], leverage["open_type"]) == ("10", "isolated")

    # Market open with preset TP/SL: order_id is an int, price "market price" (facts #17).
    tp, sl = _tick(last * Decimal("1.2"), tick), _tick(last * Decimal("0.8"), tick)
    market = _ok(
        api.post_submit_order(
            SYMBOL,
            client_order_id="sdkmarket1",
            type="market",
            side=1,
            leverage="10",
            open_type="isolated",
            size=10,
            preset_take_profit_price=tp,
            preset_stop_loss_price=sl,
            preset_take_profit_price_type=1,
            preset_stop_loss_price_type=2,
        )
    )
    _fields(market, {"order_id": int, "price": str})
    assert market["price"] == "market price"

    # Limit open far below the market: rests on the book.
    low = _tick(last * Decimal("0.5"), tick)
    limit = _ok(
        api.post_submit_order(
            SYMBOL,
            client_order_id="sdklimit1",
            type="limit",
            side=1,
            leverage="10",
            open_type="isolated",
            size=1,
            price=low,
            mode=1,
            preset_take_profit_price=_tick(last, tick),
            preset_stop_loss_price=_tick(last * Decimal("0.4"), tick),
        )
    )
    _fields(limit, {"order_id": int, "price": str})

    # Positions (v2): the long row holds 10 contracts at 10x isolated.
    rows = _ok(api.get_position_v2(SYMBOL))
    for row in rows:
        _fields(row, POSITION_V2)
    long_row = next(row for row in rows if row["position_side"] == "long")
    assert (long_row["current_amount"], long_row["leverage"], long_row["open_type"]) == (
        "10",
        "10",
        "isolated",
    )

    # The market order, queried by id: finished (4) and filled.
    detail = _ok(api.get_order(SYMBOL, str(market["order_id"])))
    _fields(detail, ORDER)
    assert (detail["state"], detail["deal_size"], detail["client_order_id"]) == (
        4,
        "10",
        "sdkmarket1",
    )

    # Open orders: the resting limit, with its client id.
    open_rows = _ok(api.get_open_order(SYMBOL))
    for row in open_rows:
        _fields(row, ORDER)
    assert [(r["order_id"], r["client_order_id"], r["state"]) for r in open_rows] == [
        (str(limit["order_id"]), "sdklimit1", 2),
    ]

    # Stand-alone position TP/SL (plan_category 2, sent explicitly).
    stop = _ok(
        api.post_submit_tp_sl_order(
            SYMBOL,
            type="stop_loss",
            side=3,
            trigger_price=_tick(last * Decimal("0.85"), tick),
            executive_price="0",
            price_type=1,
            plan_category=2,
            client_order_id="sdksl1",
            category="market",
        )
    )
    _fields(stop, {"order_id": str, "client_order_id": str})
    assert stop["client_order_id"] == "sdksl1"

    # A plan (conditional) order: buy the dip at 70 % of last.
    trigger = _tick(last * Decimal("0.7"), tick)
    plan = _ok(
        api.post_submit_plan_order(
            SYMBOL,
            type="limit",
            side=1,
            leverage="10",
            open_type="isolated",
            mode=1,
            size=1,
            trigger_price=trigger,
            executive_price=trigger,
            price_way=2,
            price_type=1,
        )
    )
    _fields(plan, {"order_id": int})
    waiting = _ok(api.get_current_plan_order(SYMBOL))
    for row in waiting:
        _fields(row, PLAN_ORDER)
    assert str(plan["order_id"]) in {row["order_id"] for row in waiting}
    assert "sdksl1" in {row["client_order_id"] for row in waiting}

    # Cancels: the resting limit and the plan order.
    _ok(api.post_cancel_order(SYMBOL, order_id=str(limit["order_id"])))
    assert _ok(api.get_open_order(SYMBOL)) == []
    _ok(api.post_cancel_plan_order(SYMBOL, order_id=str(plan["order_id"])))
    remaining = {row["order_id"] for row in _ok(api.get_current_plan_order(SYMBOL))}
    assert str(plan["order_id"]) not in remaining

    # Close the whole long at market.
    close = _ok(
        api.post_submit_order(SYMBOL, client_order_id="sdkclose1", type="market", side=3, size=10)
    )
    _fields(close, {"order_id": int, "price": str})
    flat = [row for row in _ok(api.get_position_v2(SYMBOL)) if row["position_side"] == "long"]
    assert flat and flat[0]["current_amount"] == "0"

    # Transfers: futures -> spot, then the transfer records.
    available = Decimal(_usdt(api)["available_balance"])
    back = _ok(api.post_transfer(currency="USDT", amount="100", type="contract_to_spot"))
    assert back == {"currency": "USDT", "amount": "100"}
    assert Decimal(_usdt(api)["available_balance"]) == available - 100
    records = _ok(api.get_transfer_list(page=1, limit=10))["records"]
    for record in records:
        _fields(
            record,
            {
                "transfer_id": str,
                "currency": str,
                "amount": str,
                "type": str,
                "state": str,
                "timestamp": int,
            },
        )
    assert {(r["type"], r["amount"]) for r in records} >= {
        ("spot_to_contract", "2000"),
        ("contract_to_spot", "100"),
    }


def test_sdk_sees_api_errors_as_exceptions_with_the_body(api: Any) -> None:
    from bitmart.lib.cloud_exceptions import APIException

    with pytest.raises(APIException) as info:
        api.post_submit_order(
            "NOPEUSDT", type="market", side=1, size=1, leverage="10", open_type="cross"
        )
    assert info.value.status_code == 400
    assert '"code":40034' in info.value.response.replace(" ", "")
