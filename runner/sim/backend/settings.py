"""#22 submit-leverage and #23 set-position-mode (facts 10.1, 10.2)."""

from __future__ import annotations

from typing import Any

from runner.sim.backend import rules
from runner.sim.backend.errors import reject
from runner.sim.backend.params import Params
from runner.sim.backend.state import HEDGE, ONE_WAY, WORKING, Book, Setting


def submit_leverage(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    """Leverage/margin mode of a symbol; an open position (or working order) fixes them."""
    spec = params.spec()
    current = rules.setting(book, spec.symbol)
    margin_mode = rules.margin_mode_value(params, current.margin_mode, required=True)
    leverage = rules.leverage_value(params, spec, current.leverage)
    rules.check_matches_position(book, spec.symbol, leverage, margin_mode)
    book.settings[spec.symbol] = Setting(leverage, margin_mode)
    return {
        "symbol": spec.symbol,
        "leverage": str(leverage),
        "open_type": margin_mode,
        # Facts 16 #9: D's "maximum leverage" reading.
        "max_value": str(spec.max_leverage),
    }


def set_position_mode(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    """Only on a clean account: no position and no open order anywhere (40059).

    Waiting plan orders do not block the switch (the facts leave that open); they are read
    under the mode in force when they fire.
    """
    mode = params.text("position_mode", required=True)
    params.choice("position_mode", (HEDGE, ONE_WAY), mode, 40007)
    busy = bool(book.positions) or any(o.state == WORKING for o in book.orders.values())
    if busy and mode != book.position_mode:
        raise reject(40059)
    book.position_mode = mode
    return {"position_mode": mode}
