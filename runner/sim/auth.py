"""Header authentication as the exchange does it (facts section 4), independent of the client.

The signature is checked over the raw body bytes exactly as received: re-serialising the parsed
JSON would accept a client that signs one text and sends another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runner.sim.errors import ApiError
from runner.sim.routes import Auth, Route

TIMESTAMP_WINDOW_MS = 60_000
DEFAULT_RECV_WINDOW_MS = 5_000
MAX_RECV_WINDOW_MS = 60_000


@dataclass(frozen=True)
class ApiCredentials:
    """The one key the simulator accepts; secret and memo never appear in a repr."""

    key: str
    secret: str = field(repr=False)
    memo: str = field(repr=False)


def _unauthorized(code: int, message: str) -> ApiError:
    return ApiError(code, message, 401)


def expected_sign(secret: str, timestamp: str, memo: str, body: bytes) -> str:
    message = timestamp.encode() + b"#" + memo.encode() + b"#" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_key(headers: Mapping[str, str], creds: ApiCredentials) -> str:
    """The X-BM-KEY value if it is the accepted key; 30001 when empty, 30002 when absent/unknown."""
    key = headers.get("x-bm-key")
    if key is None:
        raise _unauthorized(30002, "Header X-BM-KEY not found")
    if key == "":
        raise _unauthorized(30001, "Header X-BM-KEY is empty")
    if not hmac.compare_digest(key.encode(), creds.key.encode()):
        raise _unauthorized(30002, "Header X-BM-KEY not found")
    return key


def recv_window_ms(body: bytes) -> int:
    """The body's recvWindow (transfer endpoints), default 5000; out of (0, 60000] is a 40007."""
    try:
        parsed = json.loads(body, parse_float=Decimal)
    except ValueError:
        return DEFAULT_RECV_WINDOW_MS  # the body check after auth reports the bad JSON
    if not isinstance(parsed, dict) or "recvWindow" not in parsed:
        return DEFAULT_RECV_WINDOW_MS
    raw = parsed["recvWindow"]
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ApiError(40007, "Parse parameter error: recvWindow must be an integer", 400)
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(40007, "Parse parameter error: recvWindow must be an integer", 400) from None
    if not 0 < value <= MAX_RECV_WINDOW_MS:
        raise ApiError(40007, "Parse parameter error: recvWindow must be in (0, 60000]", 400)
    return value


def _check_timestamp(raw: str | None, route: Route, body: bytes, now_ms: int) -> str:
    if raw is None or raw == "":
        raise _unauthorized(30006, "Header X-BM-TIMESTAMP is empty")
    if not (raw.isascii() and raw.isdigit()):
        raise _unauthorized(30008, "Header X-BM-TIMESTAMP invalid format")
    lateness = now_ms - int(raw)
    # A clock running ahead is bounded by the general one-minute rule; on the transfer endpoints
    # the body's recvWindow bounds how stale a request may be (facts 4.4: server - ts <= window).
    late_limit = recv_window_ms(body) if route.recv_window else TIMESTAMP_WINDOW_MS
    if lateness > late_limit or -lateness > TIMESTAMP_WINDOW_MS:
        raise _unauthorized(30007, "Header X-BM-TIMESTAMP range. Within a minute")
    return raw


def authenticate(
    route: Route, headers: Mapping[str, str], body: bytes, creds: ApiCredentials, now_ms: int
) -> str | None:
    """Check the headers the route's auth level needs; return the key used (None for NONE).

    ``headers`` must have lower-case names.  KEYED routes ignore any sign/timestamp headers.
    """
    if route.auth is Auth.NONE:
        return None
    key = check_key(headers, creds)
    if route.auth is Auth.KEYED:
        return key
    timestamp = _check_timestamp(headers.get("x-bm-timestamp"), route, body, now_ms)
    sign = headers.get("x-bm-sign")
    if not sign:
        raise _unauthorized(30004, "Header X-BM-SIGN is empty")
    wanted = expected_sign(creds.secret, timestamp, creds.memo, body)
    if not hmac.compare_digest(sign.encode(), wanted.encode()):
        raise _unauthorized(30005, "Header X-BM-SIGN is wrong")
    return key


# The simulator's fixed test triple when none is configured: BitMart's published documentation
# example credentials (facts 4.3), so the published signature test vectors verify against it.
TEST_CREDENTIALS = ApiCredentials(
    key="80618e45710812162b04892c7ee5ead4a3cc3e56",
    secret="6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9",  # noqa: S106
    memo="test001",
)
