"""Funding settlements on the simulated clock.

BitMart's help centre ("Funding Cost"): funding is exchanged every 8 hours; with a positive rate
longs pay shorts, with a negative one shorts pay longs; only positions held at the settlement
time take part, and ``funding fee = funding rate * position value``, the value taken at the fair
(mark) price: ``size * contract_size * mark``.  Each payment is a transaction-history row of
flow_type 3 "Funding Fee" (facts 7.8, 13.2 #16), signed (negative = paid), timed at the boundary.

Where the money goes (not in the facts; the simulator's choice): a cross position's funding
moves the wallet balance, and so what is available; an isolated position's is taken from (or
added to) that position's margin, so its ``position_cross``/``initial_margin`` and liquidation
price move and what is available does not.  A payment larger than the isolated margin empties
the margin and the rest comes out of the wallet; the liquidation check then runs.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import account, liquidation
from runner.sim.backend.markets import FUNDING_INTERVAL_HOURS, FUNDING_RATE, MARKETS
from runner.sim.backend.numbers import ZERO, money, wire
from runner.sim.backend.state import Book, FundingSettlement

INTERVAL_MS = FUNDING_INTERVAL_HOURS * 3600 * 1000
RATE_CAP = Decimal("0.0375")  # funding_upper_limit / funding_lower_limit (facts 13.1 #4)
KEEP_PER_SYMBOL = 100  # funding-rate-history returns at most 100 rows


def next_time_ms(now_ms: int) -> int:
    return (now_ms // INTERVAL_MS + 1) * INTERVAL_MS


def boundaries(start_ms: int, end_ms: int) -> list[int]:
    """Settlement times in ``(start_ms, end_ms]``, oldest first."""
    first = next_time_ms(start_ms)
    return list(range(first, end_ms + 1, INTERVAL_MS))


def rate(book: Book, symbol: str) -> Decimal:
    return book.funding_rates.get(symbol, FUNDING_RATE)


def set_rate(book: Book, symbol: str, value: Decimal) -> None:
    if symbol not in MARKETS:
        raise ValueError(f"unknown symbol {symbol!r}")
    if not -RATE_CAP <= value <= RATE_CAP:
        raise ValueError(f"a funding rate must be within [-{RATE_CAP}, {RATE_CAP}]")
    book.funding_rates[symbol] = value


def previous_rate(book: Book, symbol: str) -> Decimal:
    """The last settled rate (``rate_value``, facts 16 #4); the current one before any."""
    settled = [f for f in book.fundings if f.symbol == symbol]
    return settled[-1].rate if settled else rate(book, symbol)


def settled(book: Book, symbol: str) -> list[FundingSettlement]:
    """This account's settlements of ``symbol``, newest first."""
    return [f for f in reversed(book.fundings) if f.symbol == symbol]


def settle(book: Book, boundary_ms: int) -> list[dict[str, str | int]]:
    """Every market settles at ``boundary_ms``; every open position pays or receives."""
    paid: list[dict[str, str | int]] = []
    for symbol in MARKETS:
        current = rate(book, symbol)
        book.fundings.append(FundingSettlement(symbol, boundary_ms, current))
        for side in ("long", "short"):
            position = book.positions.get(f"{symbol}/{side}")
            if position is None:
                continue
            mark = book.prices[symbol].mark
            fee = money(position.size * MARKETS[symbol].contract_size * mark * current)
            amount = -fee if side == "long" else fee
            _pay(book, symbol, side, amount, boundary_ms)
            paid.append(
                {
                    "symbol": symbol,
                    "side": side,
                    "time": boundary_ms,
                    "rate": wire(current),
                    "amount": wire(amount),
                }
            )
        liquidation.liquidate_reached(book, symbol, boundary_ms)
    _trim(book)
    return paid


def _pay(book: Book, symbol: str, side: str, amount: Decimal, now_ms: int) -> None:
    position = book.positions[f"{symbol}/{side}"]
    account.book_entry(book, symbol, account.FUNDING_FEE, amount, now_ms)
    if position.margin_mode == "isolated":
        position.margin = max(ZERO, position.margin + amount)
    position.update_ms = now_ms


def _trim(book: Book) -> None:
    counts: dict[str, int] = {}
    kept = []
    for entry in reversed(book.fundings):
        counts[entry.symbol] = counts.get(entry.symbol, 0) + 1
        if counts[entry.symbol] <= KEEP_PER_SYMBOL:
            kept.append(entry)
    book.fundings = kept[::-1]
