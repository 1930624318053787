"""The market controls: ``POST /sim/book``, ``POST /sim/clock``, ``POST /sim/funding``.

``/sim/book {"symbol", "bids": [[price, size], ...], "asks": [...]}`` replaces a symbol's book
(``{"symbol", "clear": true}`` removes it); ``/sim/clock {"advance_ms"}`` moves simulated time
forward (``{"skew_ms"}`` still offsets the clock the timestamp check uses, unsaved); ``/sim/funding
{"symbol", "rate"}`` sets the rate later settlements use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.sim.control_input import backend_call, number, string_field, whole_number
from runner.sim.control_port import SimHandler
from runner.sim.errors import ControlError
from runner.sim.facade import Levels
from runner.sim.wire import decimal_problem

MAX_SKEW_MS = 10 * 365 * 24 * 3600 * 1000


def set_book(
    sim: SimHandler, symbol: str, bids: Levels | None, asks: Levels | None
) -> dict[str, Any] | None:
    """Replace (or with both None remove) ``symbol``'s book; returns the book left afterwards."""
    return backend_call(sim, lambda ex: ex.set_book(symbol, bids, asks, sim.host_time_ms()))


def advance_clock(sim: SimHandler, advance_ms: int) -> dict[str, Any]:
    """Move simulated time forward; the backend settles what falls due on the way."""
    return backend_call(sim, lambda ex: ex.advance_clock(advance_ms, sim.host_time_ms()))


def set_funding_rate(sim: SimHandler, symbol: str, rate: Decimal) -> None:
    backend_call(sim, lambda ex: ex.set_funding_rate(symbol, rate, sim.host_time_ms()))


def _levels(body: dict[str, Any], name: str) -> Levels:
    raw = body.get(name, [])
    if not isinstance(raw, list):
        raise ControlError(f"{name!r} must be a list of [price, size] pairs")
    levels: Levels = []
    for index, item in enumerate(raw):
        where = f"{name}[{index}]"
        if not isinstance(item, list) or len(item) != 2:
            raise ControlError(f"{where} must be a [price, size] pair, got {item!r}")
        price = number(item[0], f"{where} price")
        problem = decimal_problem(price, allow_zero=False)
        if problem is not None:
            raise ControlError(f"{where}: price {problem}, got {item[0]!r}")
        size = whole_number(item[1], f"{where} size")
        if size <= 0:
            raise ControlError(f"{where}: size must be a positive whole number of contracts")
        levels.append((price, size))
    return levels


def post_book(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    symbol = string_field(body, "symbol")
    clear = body.get("clear", False)
    if not isinstance(clear, bool):
        raise ControlError("'clear' must be true or false")
    given = [name for name in ("bids", "asks") if name in body]
    if clear and given:
        raise ControlError("give either 'clear': true or 'bids'/'asks', not both")
    if not clear and not given:
        raise ControlError("give 'bids' and/or 'asks' ([[price, size], ...]), or 'clear': true")
    if clear:
        left = set_book(sim, symbol, None, None)
    else:
        left = set_book(sim, symbol, _levels(body, "bids"), _levels(body, "asks"))
    return {"ok": True, "symbol": symbol, "book": left}


def post_clock(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    if "skew_ms" not in body and "advance_ms" not in body:
        raise ControlError("give 'advance_ms' (move simulated time) and/or 'skew_ms'")
    skew, advance = body.get("skew_ms", sim.skew_ms), body.get("advance_ms")
    if isinstance(skew, bool) or not isinstance(skew, int) or abs(skew) > MAX_SKEW_MS:
        raise ControlError("'skew_ms' must be an integer number of milliseconds")
    if advance is not None and (isinstance(advance, bool) or not isinstance(advance, int)):
        raise ControlError("'advance_ms' must be an integer number of milliseconds")
    if advance is not None and advance <= 0:
        raise ControlError("'advance_ms' must be greater than zero (time only moves forward)")
    reply: dict[str, Any] = {"ok": True}
    if advance is not None:
        moved = advance_clock(sim, advance)
        reply.update({"advanced_ms": advance, "funding": moved["funding"]})
    sim.set_skew(skew)
    server_time = sim.server_time_ms()
    reply.update(
        {"skew_ms": skew, "time_offset_ms": sim.time_offset_ms(), "server_time": server_time}
    )
    return reply


def post_funding(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    symbol = string_field(body, "symbol")
    if "rate" not in body:
        raise ControlError("'rate' is required (e.g. \"0.0001\" = 0.01 % per interval)")
    rate = number(body["rate"], "rate")
    set_funding_rate(sim, symbol, rate)
    return {"ok": True, "symbol": symbol, "rate": str(rate)}
