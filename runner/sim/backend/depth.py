"""Order books set by ``POST /sim/book``: other traders' resting liquidity for one symbol.

A book is levels of (price, contracts): bids best (highest) first, asks best (lowest) first.  It
never crosses (best bid < best ask).  Our orders take from it (``matching``); a price move
carries it along (``shift``): every level keeps its distance to the last price, so a move that
brings the asks down to a resting buy makes their size available to it.  A symbol without a book
trades at the last price with unlimited depth, as before books existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from runner.sim.backend.markets import ContractSpec
from runner.sim.backend.numbers import wire
from runner.sim.backend.state import Depth, Level

MAX_LEVELS = 200
VIEW_LEVELS = 50  # facts 13.1 #2: at most 50 levels per side
BUY_SIDES = (1, 2)


def make_depth(
    spec: ContractSpec,
    bids: Iterable[tuple[Decimal, int]],
    asks: Iterable[tuple[Decimal, int]],
) -> Depth:
    """A validated, sorted book; ValueError saying what is wrong with the input."""
    bid_levels = _levels(spec, "bids", bids, best_first_descending=True)
    ask_levels = _levels(spec, "asks", asks, best_first_descending=False)
    if bid_levels and ask_levels and bid_levels[0].price >= ask_levels[0].price:
        raise ValueError(
            f"crossed book: best bid {wire(bid_levels[0].price)} is not below "
            f"best ask {wire(ask_levels[0].price)}"
        )
    return Depth(bid_levels, ask_levels)


def _levels(
    spec: ContractSpec,
    name: str,
    raw: Iterable[tuple[Decimal, int]],
    *,
    best_first_descending: bool,
) -> list[Level]:
    levels: list[Level] = []
    seen: set[Decimal] = set()
    for price, size in raw:
        if price <= 0:
            raise ValueError(f"{name}: price {wire(price)} must be greater than zero")
        if price % spec.tick != 0:
            raise ValueError(
                f"{name}: price {wire(price)} is not on {spec.symbol}'s tick {wire(spec.tick)}"
            )
        if size < spec.min_volume or size % spec.vol_step != 0:
            raise ValueError(f"{name}: size {size} at {wire(price)} must be a positive whole size")
        if price in seen:
            raise ValueError(f"{name}: price {wire(price)} is given twice")
        seen.add(price)
        levels.append(Level(price, size))
    if len(levels) > MAX_LEVELS:
        raise ValueError(f"{name}: at most {MAX_LEVELS} levels")
    levels.sort(key=lambda level: level.price, reverse=best_first_descending)
    return levels


def is_buy(side: int) -> bool:
    return side in BUY_SIDES


def opposite(depth: Depth, side: int) -> list[Level]:
    """The levels an order of ``side`` trades against: a buy takes asks, a sell takes bids."""
    return depth.asks if is_buy(side) else depth.bids


def reachable(level: Level, side: int, limit: Decimal | None) -> bool:
    """Whether an order of ``side`` with ``limit`` (None: market) may trade at ``level``."""
    if limit is None:
        return True
    return level.price <= limit if is_buy(side) else level.price >= limit


def offered(depth: Depth, side: int, limit: Decimal | None) -> int:
    """Contracts an order of ``side`` could trade at its ``limit`` or better."""
    return sum(level.size for level in _within(opposite(depth, side), side, limit))


def _within(levels: list[Level], side: int, limit: Decimal | None) -> Iterator[Level]:
    for level in levels:
        if not reachable(level, side, limit):
            return
        yield level


def consume(levels: list[Level], size: int) -> None:
    """Take ``size`` contracts from the best level (a level taken to zero disappears)."""
    levels[0].size -= size
    if levels[0].size <= 0:
        levels.pop(0)


def shift(depth: Depth, delta: Decimal) -> None:
    """Move every level by ``delta`` (the last price's move); levels at or below 0 vanish."""
    if delta == 0:
        return
    for levels in (depth.bids, depth.asks):
        for level in levels:
            level.price += delta
        levels[:] = [level for level in levels if level.price > 0]


def event_last_price(depth: Depth, side: int, limit: Decimal, last: Decimal) -> Decimal | None:
    """The last price at which the (shifting) book first offers a resting order size, if any."""
    levels = opposite(depth, side)
    if not levels:
        return None
    return limit - (levels[0].price - last)


def wire_rows(levels: list[Level]) -> list[list[str]]:
    """``[price, size, cumulative size]`` rows for the public depth endpoint (facts 13.1 #2)."""
    rows, total = [], 0
    for level in levels[:VIEW_LEVELS]:
        total += level.size
        rows.append([wire(level.price), str(level.size), str(total)])
    return rows


def view(depth: Depth) -> dict[str, list[list[str]]]:
    return {
        "bids": [[wire(level.price), str(level.size)] for level in depth.bids],
        "asks": [[wire(level.price), str(level.size)] for level in depth.asks],
    }
