"""Request signing (facts 4.3) and the headers of each auth level (facts 4.2).

The signature covers the exact body bytes that go on the wire, so the body is serialised once
(``encode_body``) and those bytes are both signed and sent.  GET requests sign nothing: every GET
is NONE or KEYED and carries no signature at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from runner import __version__
from runner.config import Credentials

BROKER_ID = "BlaveData666666"
USER_AGENT = f"bitmart-runner/{__version__}"


class Auth(Enum):
    NONE = "NONE"  # no key
    KEYED = "KEYED"  # X-BM-KEY only
    SIGNED = "SIGNED"  # X-BM-KEY + X-BM-TIMESTAMP + X-BM-SIGN


def sign(secret: str, timestamp: str, memo: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of ``timestamp#memo#body`` keyed by the secret's UTF-8 bytes."""
    message = timestamp.encode() + b"#" + memo.encode() + b"#" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _json_value(value: object) -> str:
    # Prices and amounts travel as strings (facts section 1); a float would carry binary noise.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite decimal: {value}")
        return format(value, "f")
    raise TypeError(f"cannot send a {type(value).__name__} in a request body")


def encode_body(body: Mapping[str, Any]) -> bytes:
    """Compact JSON; Decimal as a plain decimal string; floats refused (money is never float)."""
    _refuse_floats(body)
    return json.dumps(dict(body), separators=(",", ":"), default=_json_value).encode()


def _refuse_floats(value: object) -> None:
    if isinstance(value, float):
        raise TypeError("a float in a request body: send prices and amounts as Decimal or str")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def base_headers() -> dict[str, str]:
    return {"User-Agent": USER_AGENT, "X-BM-BROKER-ID": BROKER_ID}


def auth_headers(
    auth: Auth, creds: Credentials | None, timestamp: str | None, body: bytes
) -> dict[str, str]:
    """The auth headers for one request: none, the key, or key + timestamp + signature."""
    if auth is Auth.NONE:
        return {}
    if creds is None:
        raise ValueError("this endpoint needs an API key")
    if auth is Auth.KEYED:
        return {"X-BM-KEY": creds.key}
    if timestamp is None:
        raise ValueError("a signed request needs a timestamp")
    return {
        "X-BM-KEY": creds.key,
        "X-BM-TIMESTAMP": timestamp,
        "X-BM-SIGN": sign(creds.secret, timestamp, creds.memo, body),
    }
