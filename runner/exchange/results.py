"""What a write returns (endpoints 17-32, 39-41, 51), each with the request's trace id.

A write that the exchange accepted but whose reply lacks a documented field is still a write that
happened: the typed methods report it as ``OutcomeUnknown`` (reconcile), never as a plain parse
error that could invite a re-send.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.exchange.fields import Fields
from runner.values import value


@value
class Reply:
    """A generic write's result: the decoded ``data`` (decimals as Decimal) and the trace id."""

    data: Any
    trace: str


@value
class Submitted:
    order_id: str
    price: str | None  # the submitted price, or the literal "market price"
    trace: str


@value
class OrderRef:
    order_id: str
    client_order_id: str | None
    trace: str


@value
class Accepted:
    """A cancel (asynchronous: 1000 means accepted, confirm with a read) or a transfer."""

    trace: str


@value
class TimerSet:
    result: bool
    set_time_ms: int  # seconds on the wire
    cancel_time_ms: int
    trace: str


@value
class LeverageSet:
    symbol: str
    leverage: Decimal
    margin_mode: str
    max_value: Decimal | None  # meaning disputed (facts 16 #9)
    trace: str


@value
class ModeSet:
    position_mode: str
    trace: str


@value
class Transferred:
    currency: str
    amount: Decimal
    trace: str


def submitted(reply: Reply, endpoint: str) -> Submitted:
    f = Fields(reply.data, endpoint, "data")
    return Submitted(f.ident("order_id"), f.opt_text("price"), reply.trace)


def order_ref(reply: Reply, endpoint: str) -> OrderRef:
    f = Fields(reply.data, endpoint, "data")
    return OrderRef(f.ident("order_id"), f.opt_ident("client_order_id"), reply.trace)


def timer_set(reply: Reply, endpoint: str) -> TimerSet:
    f = Fields(reply.data, endpoint, "data")
    return TimerSet(
        f.flag("result"), f.seconds_as_ms("set_time"), f.seconds_as_ms("cancel_time"), reply.trace
    )


def leverage_set(reply: Reply, endpoint: str) -> LeverageSet:
    f = Fields(reply.data, endpoint, "data")
    return LeverageSet(
        symbol=f.text("symbol"),
        leverage=f.decimal("leverage"),
        margin_mode=f.text("open_type").lower(),
        max_value=f.opt_decimal("max_value"),
        trace=reply.trace,
    )


def mode_set(reply: Reply, endpoint: str) -> ModeSet:
    return ModeSet(Fields(reply.data, endpoint, "data").text("position_mode"), reply.trace)


def transferred(reply: Reply, endpoint: str) -> Transferred:
    f = Fields(reply.data, endpoint, "data")
    return Transferred(f.text("currency"), f.decimal("amount"), reply.trace)
