"""The trading client: typed order writes (endpoints 17-20, 25-32) on top of the account writes.

Only ``runner.execute`` holds one.  Each method sends exactly the documented parameters it is
given (unset ones are left out) and returns the reply as a typed result.  The parameters of each
write are declared once, as the ``TypedDict`` its keywords are checked against; one builder
(``write_base.wire_body``) turns them into BitMart's body.  Cancels that would hit every order of
a symbol when no id is given are split off into their own, explicit methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Required, TypedDict, TypeVar, Unpack

from runner.exchange import endpoints as ep
from runner.exchange.endpoints import Endpoint
from runner.exchange.results import Accepted, OrderRef, Reply, Submitted, order_ref, submitted
from runner.exchange.write_base import Price, accepted, wire_body, wire_order_id
from runner.exchange.writes_account import AccountWrites

T = TypeVar("T")


class Presets(TypedDict, total=False):
    """The take-profit/stop-loss an order carries; price types 1 last, 2 mark."""

    preset_tp_price: Price | None
    preset_tp_price_type: int | None
    preset_sl_price: Price | None
    preset_sl_price_type: int | None


class NewOrder(Presets, total=False):
    """submit-order; ``type`` limit (the default) or market."""

    type: str
    price: Price | None
    leverage: Price | None
    margin_mode: str | None
    mode: int | None
    client_order_id: str | None
    stp_mode: int | None


class Opening(TypedDict):
    """What every order that may open a position names."""

    side: int
    size: int | Decimal
    leverage: Price
    margin_mode: str


class OneOrder(TypedDict, total=False):
    """Which order: by ``order_id`` or ``client_order_id`` (one is required: without either
    BitMart takes every order of the symbol)."""

    order_id: str | None
    client_order_id: str | None


class LimitOrderChange(OneOrder, total=False):
    """modify-limit-order: a new price and/or size."""

    price: Price | None
    size: int | Decimal | None


class NewPlanOrder(Opening, Presets, total=False):
    """submit-plan-order; ``price_way`` 1 fires on a rise, 2 on a fall."""

    trigger_price: Required[Price]
    price_way: Required[int]
    price_type: Required[int]
    type: str
    executive_price: Price | None
    mode: int | None
    plan_category: int | None


class PlanOrderChange(TypedDict, total=False):
    """modify-plan-order."""

    order_id: Required[str]
    type: Required[str]
    trigger_price: Required[Price]
    price_type: Required[int]
    executive_price: Price | None


class NewTpSl(TypedDict, total=False):
    """submit-tp-sl-order; ``type`` take_profit|stop_loss, ``executive_price`` "0" = market."""

    type: Required[str]
    side: Required[int]
    trigger_price: Required[Price]
    executive_price: Required[Price]
    price_type: Required[int]
    plan_category: int
    size: int | Decimal | None
    client_order_id: str | None
    category: str | None


class TpSlChange(OneOrder, total=False):
    """modify-tp-sl-order."""

    trigger_price: Required[Price]
    price_type: Required[int]
    executive_price: Price | None
    plan_category: int | None
    category: str | None


class NewTrail(Opening):
    """submit-trail-order."""

    activation_price: Price
    callback_rate: Price
    activation_price_type: int


def _one_id(fields: Mapping[str, object]) -> None:
    if fields.get("order_id") is None and fields.get("client_order_id") is None:
        raise ValueError("give order_id or client_order_id (without either it hits all orders)")


class TradeClient(AccountWrites):
    """Reads plus every write; order writes here, account writes in ``AccountWrites``."""

    def _write(
        self,
        endpoint: Endpoint,
        parse: Callable[[Reply, str], T],
        symbol: str,
        fields: Mapping[str, object],
    ) -> T:
        body = wire_body(symbol=symbol, **fields)
        client_order_id = fields.get("client_order_id")
        assert client_order_id is None or isinstance(client_order_id, str)
        return self._typed(endpoint, body, parse, client_order_id)

    def _cancel_one(self, endpoint: Endpoint, symbol: str, which: OneOrder) -> Accepted:
        _one_id(which)
        return self._write(endpoint, accepted, symbol, which)

    def submit_order(
        self, symbol: str, *, side: int, size: int | Decimal, **order: Unpack[NewOrder]
    ) -> Submitted:
        fields = {"side": side, "type": "limit", **order, "size": size}
        return self._write(ep.SUBMIT_ORDER, submitted, symbol, fields)

    def cancel_order(self, symbol: str, **which: Unpack[OneOrder]) -> Accepted:
        return self._cancel_one(ep.CANCEL_ORDER, symbol, which)

    def cancel_orders(self, symbol: str) -> Accepted:
        """Cancel every open order of ``symbol``."""
        return self._write(ep.CANCEL_ORDERS, accepted, symbol, {})

    def modify_limit_order(self, symbol: str, **change: Unpack[LimitOrderChange]) -> OrderRef:
        _one_id(change)
        if change.get("price") is None and change.get("size") is None:
            raise ValueError("give a new price and/or size")
        order_id = change.get("order_id")
        fields = {**change, "order_id": None if order_id is None else wire_order_id(order_id)}
        return self._write(ep.MODIFY_LIMIT_ORDER, order_ref, symbol, fields)

    def submit_plan_order(self, symbol: str, **order: Unpack[NewPlanOrder]) -> OrderRef:
        fields = {"type": "limit", **order}
        return self._write(ep.SUBMIT_PLAN_ORDER, order_ref, symbol, fields)

    def cancel_plan_order(self, symbol: str, **which: Unpack[OneOrder]) -> Accepted:
        """Cancel one plan or TP/SL order."""
        return self._cancel_one(ep.CANCEL_PLAN_ORDER, symbol, which)

    def cancel_all_plan_orders(self, symbol: str) -> Accepted:
        """Cancel every plan and TP/SL order of ``symbol`` (cancel-plan-order without an id)."""
        return self._write(ep.CANCEL_PLAN_ORDER, accepted, symbol, {})

    def modify_plan_order(self, symbol: str, **change: Unpack[PlanOrderChange]) -> OrderRef:
        return self._write(ep.MODIFY_PLAN_ORDER, order_ref, symbol, change)

    def submit_tp_sl_order(self, symbol: str, **order: Unpack[NewTpSl]) -> OrderRef:
        # plan_category always explicit (2 unless given): its default changed (facts 16 #10)
        fields = {"plan_category": 2, **order}
        return self._write(ep.SUBMIT_TP_SL_ORDER, order_ref, symbol, fields)

    def modify_tp_sl_order(self, symbol: str, **change: Unpack[TpSlChange]) -> OrderRef:
        _one_id(change)
        return self._write(ep.MODIFY_TP_SL_ORDER, order_ref, symbol, change)

    def modify_preset_plan_order(
        self, symbol: str, *, order_id: str, **presets: Unpack[Presets]
    ) -> OrderRef:
        fields = {"order_id": order_id, **presets}
        return self._write(ep.MODIFY_PRESET_PLAN_ORDER, order_ref, symbol, fields)

    def submit_trail_order(self, symbol: str, **order: Unpack[NewTrail]) -> OrderRef:
        return self._write(ep.SUBMIT_TRAIL_ORDER, order_ref, symbol, order)

    def cancel_trail_order(self, symbol: str, *, order_id: str) -> Accepted:
        return self._write(ep.CANCEL_TRAIL_ORDER, accepted, symbol, {"order_id": order_id})
