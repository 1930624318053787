"""Maintenance margin, liquidation price and forced liquidation.

Liquidation price: BitMart help centre's formula (facts 12.2, H "Forced Liquidation"):
    isolated long   Lp = [Hp*V*S - (IM - MM)] / [(1 - R)*V*S]
    isolated short  Lp = [Hp*V*S + (IM - MM)] / [(1 + R)*V*S]
    cross           the same with (available + IM - MM) in place of (IM - MM), where the
                    other cross positions' (IM - MM + unrealized PnL) count as available: one
                    cross margin backs them all (facts 12.2, V2: margin balance below the
                    maintenance margin)
Hp entry price, V contracts, S contract size, IM the position's initial margin, MM its
maintenance margin, R the taker fee rate.  MM = entry notional * mmr - cum of the bracket the
entry notional falls in (facts 8.3, inferred formula).  "available" for cross is the wallet's
free cash (not counting unrealized PnL, which the price itself moves).  The price is rounded to
the tick on the safe side (a long's up, a short's down).

Liquidation is triggered by the mark price (facts 12.2) reaching that price.  The position is
closed at the liquidation price by a ``liquidate`` order (taker fee): by construction of the
formula that loses IM - MM (plus the available cash for cross); the maintenance margin then goes
as "Liquidation Clearance", so an isolated position loses exactly its initial margin.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import account, amend, fills
from runner.sim.backend.markets import MARKETS, TAKER_FEE
from runner.sim.backend.numbers import ZERO, ceil_to, floor_to, money
from runner.sim.backend.state import WORKING, Book, Position, Setting


def maintenance_margin(position: Position) -> Decimal:
    spec = MARKETS[position.symbol]
    value = position.size * spec.contract_size * position.entry_price
    bracket = spec.bracket_for(value)
    return money(max(ZERO, value * bracket.mmr - bracket.cum))


def free_cash(book: Book) -> Decimal:
    totals = account.balances(book)
    return max(ZERO, totals.cash - totals.position_margin - totals.frozen)


def shared_cross(book: Book, position: Position) -> Decimal:
    """One cross margin backs every cross position (facts 12.2: the account is liquidated when
    its margin balance falls below the maintenance margin): each other cross position adds its
    margin above its maintenance margin and its unrealized PnL at the mark."""
    return sum(
        (
            other.margin - maintenance_margin(other) + account.unrealized_pnl(book, other)
            for other in book.positions.values()
            if other.margin_mode == "cross" and other is not position
        ),
        ZERO,
    )


def liquidation_price(book: Book, position: Position) -> Decimal:
    spec = MARKETS[position.symbol]
    volume = position.size * spec.contract_size
    cushion = position.margin - maintenance_margin(position)
    if position.margin_mode == "cross":
        cushion += free_cash(book) + shared_cross(book, position)
    if position.side == "long":
        price = (position.entry_price * volume - cushion) / ((1 - TAKER_FEE) * volume)
        return max(ZERO, ceil_to(price, spec.tick))
    price = (position.entry_price * volume + cushion) / ((1 + TAKER_FEE) * volume)
    return floor_to(price, spec.tick)


def breached(book: Book, position: Position) -> Decimal | None:
    """The price to liquidate at when the mark has reached the liquidation price, else None.

    A price move stops at the liquidation price (``moves``), so that is where it closes; when
    the liquidation price itself jumps past the mark (a funding payment ate the margin) it
    closes at the mark.
    """
    price = liquidation_price(book, position)
    mark = book.prices[position.symbol].mark
    if position.side == "long":
        return min(price, mark) if price > 0 and mark <= price else None
    return max(price, mark) if mark >= price else None


def liquidate_reached(book: Book, symbol: str, now_ms: int) -> None:
    """``symbol``'s positions, and every cross position: a move of one symbol moves the shared
    cross margin, so another symbol's cross liquidation price may pass its mark."""
    keys = [f"{symbol}/long", f"{symbol}/short"]
    keys += [k for k, p in book.positions.items() if p.margin_mode == "cross" and k not in keys]
    for key in keys:
        position = book.positions.get(key)
        if position is None:
            continue
        price = breached(book, position)
        if price is not None:
            liquidate(book, position, price, now_ms)


def liquidate(book: Book, position: Position, price: Decimal, now_ms: int) -> None:
    symbol, margin = position.symbol, position.margin
    keep = maintenance_margin(position)
    amend.cancel_working(book, symbol, "cancelled: liquidation", now_ms)
    for order in book.orders.values():
        if order.symbol == symbol and order.state == WORKING:  # trailing ones too
            fills.finish(order, "cancelled: liquidation", now_ms)
    side = 3 if position.side == "long" else 2
    setting = Setting(position.leverage, position.margin_mode)
    order = book.new_order(
        symbol, side, position.size, setting, now_ms, type="liquidate", price=price
    )
    book.orders[order.order_id] = order
    cash_before = book.cash
    fills.execute(book, order, price, False, now_ms)
    lost = cash_before - book.cash
    if position.margin_mode == "isolated":
        clearance = max(ZERO, margin - lost)
    else:
        clearance = min(keep, max(ZERO, book.cash))
    account.book_entry(book, symbol, account.LIQUIDATION, -clearance, now_ms)
