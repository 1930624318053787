"""The trading client: typed order writes (endpoints 17-20, 25-32) on top of the account writes.

Only ``runner.execute`` holds one.  Each method sends exactly the documented parameters it is
given (unset ones are left out) and returns the reply as a typed result.  Cancels that would hit
every order of a symbol when no id is given are split off into their own, explicit methods.
"""

from __future__ import annotations

from decimal import Decimal

from runner.exchange import endpoints as ep
from runner.exchange.results import Accepted, OrderRef, Submitted, order_ref, submitted
from runner.exchange.write_base import (
    Price,
    accepted,
    as_decimal,
    compact,
    wire_order_id,
    wire_size,
)
from runner.exchange.writes_account import AccountWrites


def _one_id(order_id: str | None, client_order_id: str | None) -> None:
    if order_id is None and client_order_id is None:
        raise ValueError("give order_id or client_order_id (without either it hits all orders)")


class TradeClient(AccountWrites):
    """Reads plus every write; order writes here, account writes in ``AccountWrites``."""

    def submit_order(
        self,
        symbol: str,
        *,
        side: int,
        size: int | Decimal,
        type: str = "limit",
        price: Price | None = None,
        leverage: Price | None = None,
        margin_mode: str | None = None,
        mode: int | None = None,
        client_order_id: str | None = None,
        stp_mode: int | None = None,
        preset_tp_price: Price | None = None,
        preset_tp_price_type: int | None = None,
        preset_sl_price: Price | None = None,
        preset_sl_price_type: int | None = None,
    ) -> Submitted:
        body = compact(
            symbol=symbol,
            side=side,
            type=type,
            price=as_decimal(price),
            size=wire_size(size),
            leverage=as_decimal(leverage),
            open_type=margin_mode,
            mode=mode,
            client_order_id=client_order_id,
            stp_mode=stp_mode,
            preset_take_profit_price=as_decimal(preset_tp_price),
            preset_take_profit_price_type=preset_tp_price_type,
            preset_stop_loss_price=as_decimal(preset_sl_price),
            preset_stop_loss_price_type=preset_sl_price_type,
        )
        return self._typed(ep.SUBMIT_ORDER, body, submitted, client_order_id)

    def cancel_order(
        self, symbol: str, *, order_id: str | None = None, client_order_id: str | None = None
    ) -> Accepted:
        _one_id(order_id, client_order_id)
        body = compact(symbol=symbol, order_id=order_id, client_order_id=client_order_id)
        return self._typed(ep.CANCEL_ORDER, body, accepted, client_order_id)

    def cancel_orders(self, symbol: str) -> Accepted:
        """Cancel every open order of ``symbol``."""
        return self._typed(ep.CANCEL_ORDERS, {"symbol": symbol}, accepted)

    def modify_limit_order(
        self,
        symbol: str,
        *,
        order_id: str | None = None,
        client_order_id: str | None = None,
        price: Price | None = None,
        size: int | Decimal | None = None,
    ) -> OrderRef:
        _one_id(order_id, client_order_id)
        if price is None and size is None:
            raise ValueError("give a new price and/or size")
        body = compact(
            symbol=symbol,
            order_id=wire_order_id(order_id) if order_id is not None else None,
            client_order_id=client_order_id,
            price=as_decimal(price),
            size=wire_size(size) if size is not None else None,
        )
        return self._typed(ep.MODIFY_LIMIT_ORDER, body, order_ref, client_order_id)

    def submit_plan_order(
        self,
        symbol: str,
        *,
        side: int,
        size: int | Decimal,
        leverage: Price,
        margin_mode: str,
        trigger_price: Price,
        price_way: int,
        price_type: int,
        type: str = "limit",
        executive_price: Price | None = None,
        mode: int | None = None,
        plan_category: int | None = None,
        preset_tp_price: Price | None = None,
        preset_tp_price_type: int | None = None,
        preset_sl_price: Price | None = None,
        preset_sl_price_type: int | None = None,
    ) -> OrderRef:
        body = compact(
            symbol=symbol,
            side=side,
            type=type,
            leverage=as_decimal(leverage),
            open_type=margin_mode,
            mode=mode,
            size=wire_size(size),
            trigger_price=as_decimal(trigger_price),
            executive_price=as_decimal(executive_price),
            price_way=price_way,
            price_type=price_type,
            plan_category=plan_category,
            preset_take_profit_price=as_decimal(preset_tp_price),
            preset_take_profit_price_type=preset_tp_price_type,
            preset_stop_loss_price=as_decimal(preset_sl_price),
            preset_stop_loss_price_type=preset_sl_price_type,
        )
        return self._typed(ep.SUBMIT_PLAN_ORDER, body, order_ref)

    def cancel_plan_order(
        self, symbol: str, *, order_id: str | None = None, client_order_id: str | None = None
    ) -> Accepted:
        """Cancel one plan or TP/SL order."""
        _one_id(order_id, client_order_id)
        body = compact(symbol=symbol, order_id=order_id, client_order_id=client_order_id)
        return self._typed(ep.CANCEL_PLAN_ORDER, body, accepted, client_order_id)

    def cancel_all_plan_orders(self, symbol: str) -> Accepted:
        """Cancel every plan and TP/SL order of ``symbol`` (cancel-plan-order without an id)."""
        return self._typed(ep.CANCEL_PLAN_ORDER, {"symbol": symbol}, accepted)

    def modify_plan_order(
        self,
        symbol: str,
        *,
        order_id: str,
        type: str,
        trigger_price: Price,
        price_type: int,
        executive_price: Price | None = None,
    ) -> OrderRef:
        body = compact(
            symbol=symbol,
            order_id=order_id,
            type=type,
            trigger_price=as_decimal(trigger_price),
            executive_price=as_decimal(executive_price),
            price_type=price_type,
        )
        return self._typed(ep.MODIFY_PLAN_ORDER, body, order_ref)

    def submit_tp_sl_order(
        self,
        symbol: str,
        *,
        type: str,
        side: int,
        trigger_price: Price,
        executive_price: Price,
        price_type: int,
        plan_category: int = 2,
        size: int | Decimal | None = None,
        client_order_id: str | None = None,
        category: str | None = None,
    ) -> OrderRef:
        """``type`` take_profit|stop_loss; ``executive_price`` "0" for market execution."""
        body = compact(
            symbol=symbol,
            type=type,
            side=side,
            trigger_price=as_decimal(trigger_price),
            executive_price=as_decimal(executive_price),
            price_type=price_type,
            plan_category=plan_category,  # always explicit: its default changed (facts 16 #10)
            size=wire_size(size) if size is not None else None,
            client_order_id=client_order_id,
            category=category,
        )
        return self._typed(ep.SUBMIT_TP_SL_ORDER, body, order_ref, client_order_id)

    def modify_tp_sl_order(
        self,
        symbol: str,
        *,
        trigger_price: Price,
        price_type: int,
        order_id: str | None = None,
        client_order_id: str | None = None,
        executive_price: Price | None = None,
        plan_category: int | None = None,
        category: str | None = None,
    ) -> OrderRef:
        _one_id(order_id, client_order_id)
        body = compact(
            symbol=symbol,
            order_id=order_id,
            client_order_id=client_order_id,
            trigger_price=as_decimal(trigger_price),
            executive_price=as_decimal(executive_price),
            price_type=price_type,
            plan_category=plan_category,
            category=category,
        )
        return self._typed(ep.MODIFY_TP_SL_ORDER, body, order_ref, client_order_id)

    def modify_preset_plan_order(
        self,
        symbol: str,
        *,
        order_id: str,
        preset_tp_price: Price | None = None,
        preset_tp_price_type: int | None = None,
        preset_sl_price: Price | None = None,
        preset_sl_price_type: int | None = None,
    ) -> OrderRef:
        body = compact(
            symbol=symbol,
            order_id=order_id,
            preset_take_profit_price=as_decimal(preset_tp_price),
            preset_take_profit_price_type=preset_tp_price_type,
            preset_stop_loss_price=as_decimal(preset_sl_price),
            preset_stop_loss_price_type=preset_sl_price_type,
        )
        return self._typed(ep.MODIFY_PRESET_PLAN_ORDER, body, order_ref)

    def submit_trail_order(
        self,
        symbol: str,
        *,
        side: int,
        size: int | Decimal,
        leverage: Price,
        margin_mode: str,
        activation_price: Price,
        callback_rate: Price,
        activation_price_type: int,
    ) -> OrderRef:
        body = compact(
            symbol=symbol,
            side=side,
            leverage=as_decimal(leverage),
            open_type=margin_mode,
            size=wire_size(size),
            activation_price=as_decimal(activation_price),
            callback_rate=as_decimal(callback_rate),
            activation_price_type=activation_price_type,
        )
        return self._typed(ep.SUBMIT_TRAIL_ORDER, body, order_ref)

    def cancel_trail_order(self, symbol: str, *, order_id: str) -> Accepted:
        body = {"symbol": symbol, "order_id": order_id}
        return self._typed(ep.CANCEL_TRAIL_ORDER, body, accepted)
