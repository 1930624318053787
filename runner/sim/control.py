"""The /sim/* control endpoints (PRODUCT.md section 7) and the typed operations behind them.

No auth, JSON in and out.  Bad input is a 400 with ``{"error": message}``, never a traceback.
The typed functions (``reset``, ``set_price``, ``fund``) are also what ``SimServer`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from runner.sim.errors import ControlError
from runner.sim.facade import Exchange, error_fields
from runner.sim.faults import parse_rules
from runner.sim.keys import parse_permissions
from runner.sim.wire import Reply, decimal_problem, json_reply, parse_json

if TYPE_CHECKING:
    from runner.sim.handlers import SimHandler

WALLETS = ("spot", "futures")
MAX_SKEW_MS = 10 * 365 * 24 * 3600 * 1000


def reset(sim: SimHandler, *, spot: Decimal | None = None, futures: Decimal | None = None) -> None:
    """A fresh account (backend defaults: 10,000 USDT spot, 0 futures, bundled prices)."""
    sim.host.replace(sim.new_exchange(spot=spot, futures=futures))


def set_price(sim: SimHandler, symbol: str, price: Decimal, mark: Decimal | None = None) -> None:
    """Move last (and mark) price; the backend fills, triggers and liquidates as it must."""
    _backend_call(sim, lambda ex: ex.set_price(symbol, price, mark, sim.server_time_ms()))


def fund(sim: SimHandler, wallet: str, amount: Decimal) -> None:
    if wallet not in WALLETS:
        raise ControlError(f"wallet must be one of {', '.join(WALLETS)}, got {wallet!r}")
    _backend_call(sim, lambda ex: ex.fund(wallet, amount, sim.server_time_ms()))


def _backend_call(sim: SimHandler, action: Callable[[Exchange], None]) -> None:
    problem: str | None = None
    with sim.host.use(lambda _: problem is None) as exchange:
        try:
            action(exchange)
        except sim.backend.error as exc:
            problem = error_fields(exc)[1]
        except (ValueError, KeyError) as exc:  # the backend's own argument checks
            problem = f"rejected by the simulator: {exc}"
    if problem is not None:
        raise ControlError(problem)


# -- JSON parsing of control bodies ------------------------------------------------------------
def _decimal(
    body: dict[str, Any], name: str, *, required: bool, allow_zero: bool
) -> Decimal | None:
    raw = body.get(name)
    if raw is None:
        if required:
            raise ControlError(f"{name!r} is required")
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
        raise ControlError(f"{name!r} must be a decimal number (JSON number or string)")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ControlError(f"{name!r} must be a decimal number, got {raw!r}") from None
    problem = decimal_problem(value, allow_zero=allow_zero)
    if problem is not None:
        raise ControlError(f"{name!r} {problem}, got {raw!r}")
    return value


def _string(body: dict[str, Any], name: str) -> str:
    raw = body.get(name)
    if not isinstance(raw, str) or not raw:
        raise ControlError(f"{name!r} is required and must be a non-empty string")
    return raw


def _post_reset(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    spot = _decimal(body, "spot", required=False, allow_zero=True)
    futures = _decimal(body, "futures", required=False, allow_zero=True)
    reset(sim, spot=spot, futures=futures)
    return {"ok": True}


def _post_price(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    price = _decimal(body, "price", required=True, allow_zero=False)
    assert price is not None
    mark = _decimal(body, "mark", required=False, allow_zero=False)
    set_price(sim, _string(body, "symbol"), price, mark)
    return {"ok": True}


def _post_fund(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    amount = _decimal(body, "amount", required=True, allow_zero=False)
    assert amount is not None
    fund(sim, _string(body, "wallet"), amount)
    return {"ok": True}


def _post_faults(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    sim.faults.add(parse_rules(body))
    return {"ok": True, "rules": sim.faults.active()}


def _delete_faults(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    sim.faults.clear()
    return {"ok": True, "rules": []}


def _get_faults(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    return {"rules": sim.faults.active()}


def _post_clock(sim: SimHandler, body: dict[str, Any]) -> dict[str, Any]:
    skew = body.get("skew_ms")
    if isinstance(skew, bool) or not isinstance(skew, int) or abs(skew) > MAX_SKEW_MS:
        raise ControlError("'skew_ms' must be an integer number of milliseconds")
    sim.set_skew(skew)
    return {"ok": True, "skew_ms": skew, "server_time": sim.server_time_ms()}


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
    ("POST", "/sim/clock"): _post_clock,
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
