"""Reply shapes: ``full`` (every documented field) or ``sparse`` (what the real exchange sent).

``sparse`` (``sim serve --shape sparse``, ``BITMART_SIM_SHAPE=sparse`` for paper) rewrites the
backend's replies the way recorded real replies differ from the documentation
(tests/exchange/captures/README.md): optional fields real replies left out are removed, numbers
that were JSON numbers are sent as numbers, ``message`` is "Ok" on /contract and "OK" on
/account and /system routes, successful cancels carry no ``data``, errors carry only ``code`` and
``message`` (one real 40012 had neither ``trace`` nor ``data``) and 403 errors come as
``text/plain``, and ``trace`` is missing where real replies had none.  It changes the shape
only, never a value the runner acts on.

This is HTTP glue: it works on the JSON envelope after the backend answered and knows nothing of
the backend's state (nor of the runner's client).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FULL = "full"
SPARSE = "sparse"
SHAPES = (FULL, SPARSE)
ENV_SHAPE = "BITMART_SIM_SHAPE"

# Per path: row fields real replies (2023-2024 captures) did not carry.
_CONTRACT_DROPS = ("market_max_volume", "status", "delist_time", "funding_interval_hours")
# Orders recorded in 2023-2024 also lack preset_* and activation_*, but only because those
# features came later: an order that has a preset TP/SL or trails today says so, and leaving it
# out would simulate an exchange that hides a protective order, which no capture shows.
# The plan-trigger extras (trigger_price, execution_price, executive_order_id) are also absent.
_ORDER_DROPS = (
    "position_mode",
    "account",
    "trigger_price",
    "execution_price",
    "executive_order_id",
)
_ROW_DROPS: dict[str, tuple[str, ...]] = {
    "/contract/private/get-open-orders": _ORDER_DROPS,
    "/contract/private/order": _ORDER_DROPS,
    "/contract/private/order-history": _ORDER_DROPS,
    "/contract/private/current-plan-order": ("position_mode", "account", "update_time"),
    "/contract/private/position": ("mark_value", "margin_type", "position_mode", "account"),
    "/contract/private/position-v2": ("account", "position_cross", "max_notional_value"),
    "/contract/private/trades": ("account",),
    "/contract/private/transaction-history": ("account",),
    "/contract/private/position-risk": ("account",),
}
_NO_DATA_ON_SUCCESS = (
    "/contract/private/cancel-order",
    "/contract/private/cancel-orders",
    "/contract/private/cancel-plan-order",
    "/contract/private/cancel-trail-order",
)
# Integer fields real replies sent as JSON numbers although documented (or simulated) as text.
_AS_NUMBERS: dict[str, tuple[str, ...]] = {
    "/system/service": ("status",),
    "/contract/private/submit-order": ("order_id",),
    "/contract/private/submit-plan-order": ("order_id",),
}
_NO_TRACE = ("/contract/public/details",)  # a captured details reply had no trace


def _drop(rows: Any, names: tuple[str, ...]) -> None:
    for row in rows if isinstance(rows, list) else [rows]:
        if isinstance(row, dict):
            for name in names:
                row.pop(name, None)


def _numbers(data: Any, names: tuple[str, ...]) -> None:
    rows = data.get("service", []) if isinstance(data, dict) and "service" in data else [data]
    for row in rows:
        if not isinstance(row, dict):
            continue
        for name in names:
            value = row.get(name)
            if isinstance(value, str) and value.isdigit():
                row[name] = int(value)


def _sparse_ok(path: str, envelope: dict[str, Any]) -> dict[str, Any]:
    if isinstance(envelope.get("code"), str):
        return envelope  # the affiliate envelope is its own shape
    envelope["message"] = "Ok" if path.startswith("/contract/") else "OK"
    data = envelope.get("data")
    if path == "/contract/public/details" and isinstance(data, dict):
        _drop(data.get("symbols"), _CONTRACT_DROPS)
    if path in _ROW_DROPS:
        _drop(data, _ROW_DROPS[path])
    if path in _AS_NUMBERS:
        _numbers(data, _AS_NUMBERS[path])
    if path in _NO_DATA_ON_SUCCESS:
        envelope.pop("data", None)
    if path in _NO_TRACE:
        envelope.pop("trace", None)
    return envelope


def _sparse_error(path: str, envelope: dict[str, Any]) -> dict[str, Any]:
    if isinstance(envelope.get("code"), str):
        return envelope
    return {"code": envelope["code"], "message": envelope.get("message", "")}


def error_content_type(shape: str, status: int) -> str | None:
    """The Content-Type a sparse error reply carries instead of JSON's: a real 403 error came
    back as ``text/plain`` (issue 16), its body still the JSON envelope."""
    return "text/plain; charset=utf-8" if shape == SPARSE and status == 403 else None


def shaper(shape: str) -> Callable[[str, dict[str, Any], bool], dict[str, Any]]:
    """``(path, envelope, ok) -> envelope`` for the shape (``full`` leaves it as it is)."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    if shape == FULL:
        return lambda path, envelope, ok: envelope
    return lambda path, envelope, ok: (_sparse_ok if ok else _sparse_error)(path, envelope)
