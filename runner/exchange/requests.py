"""The one place an action becomes a wire request: endpoint path and JSON body.

The executor sends what ``request_for`` builds, ``plan --json`` shows it and the journal records
it, so all three describe the same bytes.  Nothing secret is in a request body.
"""

from __future__ import annotations

from decimal import Decimal
from functools import singledispatch
from typing import Any

from runner.compiler import actions as act
from runner.domain import Mode, OrderSide, OrderType, PriceSource
from runner.exchange import endpoints as ep
from runner.exchange.codes_domain import (
    PRICE_TYPE_CODE,
    PRICE_WAY_CODE,
    SCOPE_CODE,
    SIDE_CODE,
    TIF_CODE,
    TP_SL_TYPE,
)
from runner.money import plain
from runner.values import value


@value
class WireRequest:
    path: str
    body: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "body": self.body}


@singledispatch
def request_for(action: act.Action) -> WireRequest:
    raise TypeError(f"no wire request for {type(action).__name__}")


@request_for.register
def _(action: act.Transfer) -> WireRequest:
    direction = "spot_to_contract" if action.to_futures else "contract_to_spot"
    body = {"currency": "USDT", "amount": plain(action.amount), "type": direction}
    return WireRequest(ep.TRANSFER_CONTRACT.path, body)


@request_for.register
def _(action: act.SetPositionMode) -> WireRequest:
    mode = "hedge_mode" if action.mode is Mode.HEDGE else "one_way_mode"
    return WireRequest(ep.SET_POSITION_MODE.path, {"position_mode": mode})


@request_for.register
def _(action: act.SetLeverage) -> WireRequest:
    body = {
        "symbol": action.symbol,
        "leverage": plain(action.leverage),
        "open_type": action.margin.value,
    }
    return WireRequest(ep.SUBMIT_LEVERAGE.path, body)


@request_for.register
def _(action: act.SubmitOrder) -> WireRequest:
    body: dict[str, Any] = {
        "symbol": action.symbol,
        "client_order_id": action.cid,
        "side": SIDE_CODE[action.side],
        "type": action.order_type.value,
        "size": int(action.size),
    }
    if action.order_type is OrderType.LIMIT:
        assert action.price is not None
        body["price"] = plain(action.price)
        body["mode"] = TIF_CODE[action.time_in_force]
    if action.side.opens:
        assert action.leverage is not None and action.margin is not None
        body["leverage"] = plain(action.leverage)
        body["open_type"] = action.margin.value
        _add_presets(body, action.take_profit, action.stop_loss)
    return WireRequest(ep.SUBMIT_ORDER.path, body)


def _add_presets(
    body: dict[str, Any], take_profit: act.Protection | None, stop_loss: act.Protection | None
) -> None:
    """The preset TP/SL an order carries (submit-order, submit-plan-order, modify-preset)."""
    if take_profit is not None:
        body["preset_take_profit_price"] = plain(take_profit.trigger)
        body["preset_take_profit_price_type"] = PRICE_TYPE_CODE[take_profit.source]
    if stop_loss is not None:
        body["preset_stop_loss_price"] = plain(stop_loss.trigger)
        body["preset_stop_loss_price_type"] = PRICE_TYPE_CODE[stop_loss.source]


@request_for.register
def _(action: act.SubmitTpSl) -> WireRequest:
    body: dict[str, Any] = {
        "symbol": action.symbol,
        "type": TP_SL_TYPE[action.kind],
        "side": SIDE_CODE[OrderSide.closing(action.side)],
        "trigger_price": plain(action.protection.trigger),
        "executive_price": "0",
        "price_type": PRICE_TYPE_CODE[action.protection.source],
        "plan_category": SCOPE_CODE[action.scope],
        "category": "market",
        "client_order_id": action.cid,
    }
    if action.size is not None:
        body["size"] = int(action.size)
    return WireRequest(ep.SUBMIT_TP_SL_ORDER.path, body)


@request_for.register
def _(action: act.ModifyTpSl) -> WireRequest:
    body = {
        "symbol": action.symbol,
        "order_id": action.order_id,
        "trigger_price": plain(action.protection.trigger),
        "executive_price": "0",
        "price_type": PRICE_TYPE_CODE[action.protection.source],
        "plan_category": SCOPE_CODE[action.scope],
        "category": "market",
    }
    return WireRequest(ep.MODIFY_TP_SL_ORDER.path, body)


_CANCEL_ENDPOINT = {
    act.CancelOrder: ep.CANCEL_ORDER,
    act.CancelTrigger: ep.CANCEL_PLAN_ORDER,
    act.CancelTrailing: ep.CANCEL_TRAIL_ORDER,
}


@request_for.register
def _(action: act.CancelOrder | act.CancelTrigger | act.CancelTrailing) -> WireRequest:
    body = {"symbol": action.symbol, "order_id": action.order_id}
    return WireRequest(_CANCEL_ENDPOINT[type(action)].path, body)


@request_for.register
def _(action: act.SubmitTrailing) -> WireRequest:
    body = {
        "symbol": action.symbol,
        "side": SIDE_CODE[OrderSide.closing(action.side)],
        "leverage": plain(action.leverage),
        "open_type": action.margin.value,
        "size": int(action.size),
        "activation_price": plain(action.activation),
        "callback_rate": plain(action.callback),
        "activation_price_type": PRICE_TYPE_CODE[action.source],
    }
    return WireRequest(ep.SUBMIT_TRAIL_ORDER.path, body)


@request_for.register
def _(action: act.SubmitPlanOrder) -> WireRequest:
    body: dict[str, Any] = {
        "symbol": action.symbol,
        "side": SIDE_CODE[action.side],
        "type": action.order_type.value,
        "size": int(action.size),
        "trigger_price": plain(action.trigger),
        "price_way": PRICE_WAY_CODE[action.price_way],
        "price_type": PRICE_TYPE_CODE[action.source],
        "leverage": plain(action.leverage),
        "open_type": action.margin.value,
        "mode": TIF_CODE[action.time_in_force],
    }
    if action.order_type is OrderType.LIMIT:
        assert action.executive_price is not None
        body["executive_price"] = plain(action.executive_price)
    _add_presets(body, _last_price(action.take_profit), _last_price(action.stop_loss))
    return WireRequest(ep.SUBMIT_PLAN_ORDER.path, body)


def _last_price(trigger: Decimal | None) -> act.Protection | None:
    """A plan order's preset prices are last-price triggers (facts 13.4)."""
    return None if trigger is None else act.Protection(trigger, PriceSource.LAST)


@request_for.register
def _(action: act.ModifyLimitOrder) -> WireRequest:
    body: dict[str, Any] = {"symbol": action.symbol, "order_id": action.order_id}
    if action.price is not None:
        body["price"] = plain(action.price)
    if action.size is not None:
        body["size"] = int(action.size)
    return WireRequest(ep.MODIFY_LIMIT_ORDER.path, body)


@request_for.register
def _(action: act.ModifyPreset) -> WireRequest:
    body: dict[str, Any] = {"symbol": action.symbol, "order_id": action.order_id}
    _add_presets(body, action.take_profit, action.stop_loss)
    return WireRequest(ep.MODIFY_PRESET_PLAN_ORDER.path, body)


@request_for.register
def _(action: act.ModifyPlanOrder) -> WireRequest:
    body: dict[str, Any] = {
        "symbol": action.symbol,
        "order_id": action.order_id,
        "type": action.order_type.value,
        "trigger_price": plain(action.trigger),
        "price_type": PRICE_TYPE_CODE[action.source],
    }
    if action.order_type is OrderType.LIMIT:
        assert action.executive_price is not None
        body["executive_price"] = plain(action.executive_price)
    return WireRequest(ep.MODIFY_PLAN_ORDER.path, body)
