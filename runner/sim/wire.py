"""The reply type and strict JSON helpers shared by the request pipeline and control endpoints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    fault: str | None = None  # a drop_* fault: the transport cuts the connection, sends nothing
    drip_ms: int = 0  # slow_drip: the HTTP transport sends the reply one byte every drip_ms


def _json_default(value: object) -> str:
    # The backend speaks the facts' wire format (decimals as strings); Decimal is a safe fallback.
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def encode_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=_json_default).encode()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(body: bytes) -> Any:
    """Strict JSON: decimals as Decimal, NaN/Infinity rejected (no float ever appears)."""
    return json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)


def json_reply(status: int, value: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"Content-Type": JSON_CONTENT_TYPE, **(headers or {})}, encode_json(value))


# Control inputs (prices, amounts) beyond these are typos, and would only make the backend's
# arithmetic slow or overflow: refuse them with a message instead.
MAX_CONTROL_NUMBER = Decimal("1e15")
MAX_CONTROL_DECIMALS = 18


def decimal_problem(value: Decimal, *, allow_zero: bool) -> str | None:
    """Why ``value`` is not an acceptable price/amount, or None when it is."""
    if not value.is_finite():
        return "must be a finite number"
    if value < 0 or (value == 0 and not allow_zero):
        return "must be zero or more" if allow_zero else "must be greater than zero"
    if value >= MAX_CONTROL_NUMBER:
        return f"must be below {MAX_CONTROL_NUMBER:f}"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_CONTROL_DECIMALS:
        return f"must have at most {MAX_CONTROL_DECIMALS} decimal places"
    return None
