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


def _json_default(value: object) -> str:
    # The engine speaks the facts' wire format (decimals as strings); Decimal is a safe fallback.
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
