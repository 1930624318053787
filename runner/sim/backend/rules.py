"""Checks every order path shares: client order ids, leverage and margin mode, closing size,
margin.  Each raises the facts' code (6.2) for the rule it enforces."""

from __future__ import annotations

import re
from decimal import Decimal

from runner.sim.backend import account, fills
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import ContractSpec
from runner.sim.backend.params import Params
from runner.sim.backend.state import WORKING, Book, Setting, position_key

_CLIENT_ID = re.compile(r"[A-Za-z0-9]+")
MAX_CLIENT_ID = 32
MARGIN_MODES = ("cross", "isolated")
DEFAULT_SETTING = Setting(Decimal("20"), "cross")


def client_order_id(book: Book, params: Params) -> str:
    """Facts 11.2: letters/digits (40048), at most 32 (40049), never reused (40050).

    The facts leave the uniqueness scope open; the simulator counts every order and TP/SL order
    ever placed on the account, finished ones included, so a retried write can never place a
    second order under the same id.
    """
    value = params.raw.get("client_order_id")
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _CLIENT_ID.fullmatch(value):
        raise reject(40048)
    if len(value) > MAX_CLIENT_ID:
        raise reject(40049)
    taken = any(o.client_order_id == value for o in book.orders.values()) or any(
        t.client_order_id == value for t in book.triggers.values()
    )
    if taken:
        raise reject(40050)
    return value


def setting(book: Book, symbol: str) -> Setting:
    return book.settings.get(symbol, DEFAULT_SETTING)


def leverage_value(params: Params, spec: ContractSpec, default: Decimal) -> Decimal:
    """The requested leverage: a whole number within the contract's range (40040/40029/40030)."""
    if not params.has("leverage"):
        return default
    value = params.decimal("leverage", code=40040)
    assert value is not None
    if value != value.to_integral_value():
        raise reject(40040)
    if value > spec.max_leverage:
        raise reject(40029)
    if value < spec.min_leverage:
        raise reject(40030)
    return value.quantize(Decimal("1"))


def margin_mode_value(params: Params, default: str, *, required: bool = False) -> str:
    value = params.text("open_type", required=required, code=40045)
    if not value:
        return default
    if value not in MARGIN_MODES:
        raise reject(40045)
    return value


def opening_setting(
    book: Book, params: Params, spec: ContractSpec, side: int, *, must_send: bool
) -> Setting:
    """Leverage and margin mode of a new order, plan or trailing order.  A close keeps the
    symbol's; an open reads them from the request (plan and trailing orders must send both:
    ``must_send``, 40040 without a leverage) and must match the position it adds to (facts 10.1).
    """
    current = setting(book, spec.symbol)
    if side in (2, 3):
        return current
    if must_send and not params.has("leverage"):
        raise reject(40040)
    leverage = leverage_value(params, spec, current.leverage)
    margin_mode = margin_mode_value(params, current.margin_mode, required=must_send)
    check_matches_position(book, spec.symbol, leverage, margin_mode)
    return Setting(leverage, margin_mode)


def held_positions(book: Book, symbol: str) -> list:
    return [
        p for p in (book.positions.get(position_key(symbol, s)) for s in ("long", "short")) if p
    ]


def check_matches_position(book: Book, symbol: str, leverage: Decimal, mode: str) -> None:
    """Facts 10.1: an open position (or working opening order) fixes leverage and margin mode."""
    for position in held_positions(book, symbol):
        if position.margin_mode != mode:
            raise reject(
                40012,
                f"The open type {mode} differs from the {position.margin_mode} position of "
                f"{symbol}; close the position first",
            )
        if position.leverage != leverage:
            raise reject(40040)
    for order in book.orders.values():
        working_open = order.symbol == symbol and order.state == WORKING and order.side in (1, 4)
        if working_open and (order.margin_mode != mode or order.leverage != leverage):
            raise reject(
                40012,
                f"Leverage and open type must match the working orders of {symbol}",
            )


def check_closable(book: Book, symbol: str, side: int, size: int) -> None:
    """Closing more than held is 40020, closing nothing is 40021 (facts 10.3)."""
    target = "short" if side == 2 else "long"
    position_size = fills.held(book, symbol, target)
    if position_size == 0:
        raise reject(40021)
    pending = sum(
        o.size - o.filled
        for o in book.orders.values()
        if o.symbol == symbol and o.state == WORKING and o.side == side
    )
    if size > position_size - pending:
        raise reject(40020)


def check_size(spec: ContractSpec, size: int, *, market: bool) -> None:
    limit = spec.market_max_volume if market else spec.max_volume
    if size % spec.vol_step != 0:
        raise reject(40043)
    if not spec.min_volume <= size <= limit:
        raise reject(40044)


def check_margin(book: Book, cost: Decimal) -> None:
    """The margin check of an order (42000, "margin check failed", facts 6.2)."""
    if cost > account.balances(book).available:
        raise reject(42000)


def check_bracket(
    book: Book, spec: ContractSpec, side: str, size: int, price: Decimal, leverage: Decimal
) -> None:
    """Facts 10.1/8.3: the leverage must be allowed for the position notional it leads to."""
    total = fills.held(book, spec.symbol, side) + size
    if spec.bracket_for(fills.notional(spec.symbol, total, price)).max_leverage < leverage:
        raise reject(40029)
