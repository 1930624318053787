"""The trading client: typed methods for every signed write (endpoints 17-32, 39-41, 51).

Only ``runner.execute`` holds one.  Each method sends exactly the documented parameters it is
given (unset ones are left out) and returns the reply as a typed result.  Cancels that would hit
every order of a symbol when no id is given are split off into their own, explicit methods.
"""

from __future__ import annotations

from decimal import Decimal

from runner.exchange import endpoints as ep
from runner.exchange.results import (
    Accepted,
    LeverageSet,
    ModeSet,
    OrderRef,
    Reply,
    Submitted,
    TimerSet,
    Transferred,
    leverage_set,
    mode_set,
    order_ref,
    submitted,
    timer_set,
    transferred,
)
from runner.exchange.write_base import WriteBase, compact, wire_order_id, wire_size

Price = Decimal | str


def _accepted(reply: Reply, endpoint: str) -> Accepted:
    """Cancels answer ``"data":{}`` or no data at all (facts 16 #23): both mean accepted."""
    return Accepted(reply.trace)


def _one_id(order_id: str | None, client_order_id: str | None) -> None:
    if order_id is None and client_order_id is None:
        raise ValueError("give order_id or client_order_id (without either it hits all orders)")


class TradeClient(WriteBase):
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
            price=_dec(price),
            size=wire_size(size),
            leverage=_dec(leverage),
            open_type=margin_mode,
            mode=mode,
            client_order_id=client_order_id,
            stp_mode=stp_mode,
            preset_take_profit_price=_dec(preset_tp_price),
            preset_take_profit_price_type=preset_tp_price_type,
            preset_stop_loss_price=_dec(preset_sl_price),
            preset_stop_loss_price_type=preset_sl_price_type,
        )
        return self._typed(ep.SUBMIT_ORDER, body, submitted, client_order_id)

    def cancel_order(
        self, symbol: str, *, order_id: str | None = None, client_order_id: str | None = None
    ) -> Accepted:
        _one_id(order_id, client_order_id)
        body = compact(symbol=symbol, order_id=order_id, client_order_id=client_order_id)
        return self._typed(ep.CANCEL_ORDER, body, _accepted, client_order_id)

    def cancel_orders(self, symbol: str) -> Accepted:
        """Cancel every open order of ``symbol``."""
        return self._typed(ep.CANCEL_ORDERS, {"symbol": symbol}, _accepted)

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
            price=_dec(price),
            size=wire_size(size) if size is not None else None,
        )
        return self._typed(ep.MODIFY_LIMIT_ORDER, body, order_ref, client_order_id)

    def cancel_all_after(self, symbol: str, timeout_s: int) -> TimerSet:
        """Dead-man's switch: cancel ``symbol``'s orders after ``timeout_s`` (0 disarms)."""
        body = {"symbol": symbol, "timeout": timeout_s}
        return self._typed(ep.CANCEL_ALL_AFTER, body, timer_set)

    def submit_leverage(
        self, symbol: str, *, margin_mode: str, leverage: Price | None = None
    ) -> LeverageSet:
        body = compact(symbol=symbol, open_type=margin_mode, leverage=_dec(leverage))
        return self._typed(ep.SUBMIT_LEVERAGE, body, leverage_set)

    def set_position_mode(self, position_mode: str) -> ModeSet:
        """``"hedge_mode"`` or ``"one_way_mode"``; refused (40059) while positions/orders exist."""
        return self._typed(ep.SET_POSITION_MODE, {"position_mode": position_mode}, mode_set)

    def transfer(
        self,
        amount: Price,
        direction: str,
        *,
        currency: str = "USDT",
        recv_window_ms: int | None = None,
    ) -> Transferred:
        """``direction``: ``"spot_to_contract"`` or ``"contract_to_spot"``."""
        body = compact(
            currency=currency, amount=_dec(amount), type=direction, recvWindow=recv_window_ms
        )
        return self._typed(ep.TRANSFER_CONTRACT, body, transferred)

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
            leverage=_dec(leverage),
            open_type=margin_mode,
            mode=mode,
            size=wire_size(size),
            trigger_price=_dec(trigger_price),
            executive_price=_dec(executive_price),
            price_way=price_way,
            price_type=price_type,
            plan_category=plan_category,
            preset_take_profit_price=_dec(preset_tp_price),
            preset_take_profit_price_type=preset_tp_price_type,
            preset_stop_loss_price=_dec(preset_sl_price),
            preset_stop_loss_price_type=preset_sl_price_type,
        )
        return self._typed(ep.SUBMIT_PLAN_ORDER, body, order_ref)

    def cancel_plan_order(
        self, symbol: str, *, order_id: str | None = None, client_order_id: str | None = None
    ) -> Accepted:
        """Cancel one plan or TP/SL order."""
        _one_id(order_id, client_order_id)
        body = compact(symbol=symbol, order_id=order_id, client_order_id=client_order_id)
        return self._typed(ep.CANCEL_PLAN_ORDER, body, _accepted, client_order_id)

    def cancel_all_plan_orders(self, symbol: str) -> Accepted:
        """Cancel every plan and TP/SL order of ``symbol`` (cancel-plan-order without an id)."""
        return self._typed(ep.CANCEL_PLAN_ORDER, {"symbol": symbol}, _accepted)

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
            trigger_price=_dec(trigger_price),
            executive_price=_dec(executive_price),
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
            trigger_price=_dec(trigger_price),
            executive_price=_dec(executive_price),
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
            trigger_price=_dec(trigger_price),
            executive_price=_dec(executive_price),
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
            preset_take_profit_price=_dec(preset_tp_price),
            preset_take_profit_price_type=preset_tp_price_type,
            preset_stop_loss_price=_dec(preset_sl_price),
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
            leverage=_dec(leverage),
            open_type=margin_mode,
            size=wire_size(size),
            activation_price=_dec(activation_price),
            callback_rate=_dec(callback_rate),
            activation_price_type=activation_price_type,
        )
        return self._typed(ep.SUBMIT_TRAIL_ORDER, body, order_ref)

    def cancel_trail_order(self, symbol: str, *, order_id: str) -> Accepted:
        body = {"symbol": symbol, "order_id": order_id}
        return self._typed(ep.CANCEL_TRAIL_ORDER, body, _accepted)

    def sub_to_main(
        self, *, request_no: str, amount: Price, sub_account: str, currency: str = "USDT"
    ) -> Accepted:
        """Main account pulls futures funds from ``sub_account`` (``request_no``: idempotency)."""
        body = compact(
            requestNo=request_no, amount=_dec(amount), currency=currency, subAccount=sub_account
        )
        return self._typed(ep.SUB_TO_MAIN_BY_MAIN, body, _accepted)

    def main_to_sub(
        self, *, request_no: str, amount: Price, sub_account: str, currency: str = "USDT"
    ) -> Accepted:
        body = compact(
            requestNo=request_no, amount=_dec(amount), currency=currency, subAccount=sub_account
        )
        return self._typed(ep.MAIN_TO_SUB, body, _accepted)

    def sub_to_main_as_sub(
        self, *, request_no: str, amount: Price, currency: str = "USDT"
    ) -> Accepted:
        """Called with the sub-account's own key."""
        body = compact(requestNo=request_no, amount=_dec(amount), currency=currency)
        return self._typed(ep.SUB_TO_MAIN_BY_SUB, body, _accepted)

    def claim(self) -> Transferred:
        """Top up the demo account (demo host only); ``amount``'s meaning is disputed."""
        return self._typed(ep.CLAIM, {}, transferred)


def _dec(value: Price | None) -> Decimal | None:
    if value is None:
        return None
    given: object = value  # the annotation excludes float; a caller may still pass one
    if isinstance(given, float):
        raise TypeError("prices and amounts are Decimal or str, never float")
    return value if isinstance(value, Decimal) else Decimal(value)
