"""The /sim/* control endpoints (PRODUCT.md sections 7 and 8) and the typed operations behind them.

No auth, JSON in and out.  Bad input is a 400 with ``{"error": message}``, never a traceback.
The typed functions (``reset``, ``set_price``, ``fund``; the market's in ``control_market``) are
also what ``SimServer`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from runner.sim import control_market
from runner.sim.control_input import backend_call, decimal_field, string_field
from runner.sim.control_port import SimHandler
from runner.sim.errors import ControlError
from runner.sim.faults import parse_rules
from runner.sim.keys import parse_permissions
from runner.sim.wire import Reply, json_reply, parse_json

WALLETS = ("spot", "futures")


def reset(sim: SimHandler, *, spot: Decimal | None = None, futures: Decimal | None = None) -> None:
    """A fresh account (backend defaults: 10,000 USDT spot, 0 futures, bundled prices, no books,
    the simulated clock back on the host's)."""
    exchange = sim.new_exchange(spot=spot, futures=futures)
    sim.host.replace(exchange)
    sim.remember_offset(exchange)


def set_price(sim: SimHandler, symbol: str, price: Decimal, mark: Decimal | None = None) -> None:
    """Move last (and mark) price; the backend fills, triggers and liquidates as it must."""
    backend_call(sim, lambda ex: ex.set_price(symbol, price, mark, sim.host_time_ms()))


def fund(sim: SimHandler, wallet: str, amount: Decimal) -> None:
    if wallet not in WALLETS:
        raise ControlError(f"wallet must be one of {', '.join(WALLETS)}, got {wallet!r}")
    backend_call(sim, lambda ex: ex.fund(wallet, amount, sim.host_time_ms()))


def _post_reset(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    spot = decimal_field(body, "spot", required=False, allow_zero=True)
    futures = decimal_field(body, "futures", required=False, allow_zero=True)
    reset(sim, spot=spot, futures=futures)
    return {"ok": True}


def _post_price(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    price = decimal_field(body, "price", required=True, allow_zero=False)
    assert price is not None
    mark = decimal_field(body, "mark", required=False, allow_zero=False)
    set_price(sim, string_field(body, "symbol"), price, mark)
    return {"ok": True}


def _post_fund(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    amount = decimal_field(body, "amount", required=True, allow_zero=False)
    assert amount is not None
    fund(sim, string_field(body, "wallet"), amount)
    return {"ok": True}


def _post_faults(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    sim.faults.add(parse_rules(body))
    return {"ok": True, "rules": sim.faults.active()}


def _delete_faults(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    sim.faults.clear()
    return {"ok": True, "rules": []}


def _get_faults(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    return {"rules": sim.faults.active()}


def _post_key(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    names = body.get("permissions")
    if not isinstance(names, list):
        raise ControlError('\'permissions\' must be a list, e.g. ["read"] or ["read", "trade"]')
    try:
        sim.key_permissions = parse_permissions(names)
    except ValueError as exc:
        raise ControlError(str(exc)) from None
    return {"ok": True, "permissions": sorted(sim.key_permissions)}


def _get_state(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    return sim.state()


_ENDPOINTS: dict[tuple[str, str], Callable[[SimHandler, dict[str, Any]], dict[str, Any]]] = {
    ("POST", "/sim/reset"): _post_reset,
    ("POST", "/sim/price"): _post_price,
    ("POST", "/sim/fund"): _post_fund,
    ("POST", "/sim/faults"): _post_faults,
    ("DELETE", "/sim/faults"): _delete_faults,
    ("GET", "/sim/faults"): _get_faults,
    ("POST", "/sim/clock"): control_market.post_clock,
    ("POST", "/sim/book"): control_market.post_book,
    ("POST", "/sim/funding"): control_market.post_funding,
    ("POST", "/sim/key"): _post_key,
    ("GET", "/sim/state"): _get_state,
}


def _body_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = parse_json(body)
    except (ValueError, UnicodeDecodeError):
        raise ControlError("request body must be a JSON object") from None
    if not isinstance(parsed, dict):
        raise ControlError("request body must be a JSON object")
    return parsed


def handle_control(sim: SimHandler, method: str, path: str, body: bytes) -> Reply:
    endpoint = _ENDPOINTS.get((method, path))
    if endpoint is None:
        known = sorted({p for _, p in _ENDPOINTS})
        message = f"no control endpoint {method} {path}; known: {', '.join(known)}"
        return json_reply(404, {"error": message})
    try:
        return json_reply(200, endpoint(sim, _body_object(body)))
    except ControlError as exc:
        return json_reply(400, {"error": str(exc)})
