"""Turn one HTTP response into an ``Answer`` or the error it stands for (facts 3 and 6.4).

Only JSON is parsed, and as JSON with decimals kept as ``Decimal``.  An HTML (or otherwise
non-JSON) 403/503 is Cloudflare, not BitMart, and is never fed to the JSON parser.  The standard
envelope has an integer ``code``; the affiliate envelope a string one; both mean success at 1000.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import requests

from runner.exchange.codes import api_error
from runner.exchange.errors import (
    Banned,
    CloudflareBlocked,
    ProtocolError,
    RateLimited,
    ServerError,
)
from runner.exchange.limits import parse_rate_headers
from runner.values import value

SUCCESS = 1000
CLOUDFLARE_STATUSES = (403, 503)


@value
class Answer:
    """A successful envelope: its ``data`` (None when absent) and the request's trace id."""

    data: Any
    trace: str
    has_data: bool


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _looks_json(response: requests.Response) -> bool:
    content_type = response.headers.get("Content-Type", "").lower()
    head = response.content.lstrip()[:1]
    if "html" in content_type or head == b"<":
        return False
    return head in (b"{", b"[")


def _decode(response: requests.Response) -> Any:
    """The JSON body, or None when it is not JSON (never parses HTML)."""
    if not _looks_json(response):
        return None
    try:
        return json.loads(response.content, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: nesting deeper than the parser's limit (a broken or hostile reply)
        return None


def _code(envelope: dict[str, Any]) -> int | None:
    raw = envelope.get("code")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    return None


def _trace(envelope: dict[str, Any]) -> str:
    for name in ("trace", "requestId"):
        value = envelope.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def _says_ok(envelope: dict[str, Any]) -> bool:
    message = envelope.get("message")
    return isinstance(message, str) and message.strip().lower() in ("ok", "success")


def _not_json(response: requests.Response, path: str) -> Exception:
    status = response.status_code
    if status in CLOUDFLARE_STATUSES:
        return CloudflareBlocked(path, status)
    if status == 429:
        return RateLimited(
            30013,
            "HTTP 429 with a non-JSON body",
            retry_after_s=parse_rate_headers(response.headers).reset_s,
            definite=False,  # not BitMart's envelope: it is no proof of anything
            http_status=status,
            path=path,
            remediation="too many requests: wait for the rate-limit window to pass",
        )
    if status == 418:
        return api_error(30017, "HTTP 418 (banned)", trace="", http_status=status, path=path)
    if status >= 500:
        return ServerError(path, status)
    return ProtocolError(path, f"HTTP {status} with a body that is not a JSON envelope")


def _as_is(text: str) -> str:
    return text


def interpret(
    response: requests.Response, path: str, redact: Callable[[str], str] = _as_is
) -> Answer:
    """The answer of a successful envelope; raises the matching error otherwise.

    A JSON error with a code raises its named ``ApiError`` whatever the HTTP status; the retry
    layer treats one with a 5xx status as a server-side failure (retry a read, unknown write).

    ``redact`` cleans the exchange's message text before it goes into an exception.
    """
    status = response.status_code
    envelope = _decode(response)
    if not isinstance(envelope, dict):
        raise _not_json(response, path)
    code = _code(envelope)
    trace = _trace(envelope)
    if code is None and 200 <= status < 300 and _says_ok(envelope):
        code = SUCCESS  # no code, but "OK"/"success" (C's rule, facts 3.1)
    if code is None:
        if status >= 500:
            raise ServerError(path, status, None, trace)
        raise ProtocolError(path, f"HTTP {status}: the envelope has no valid 'code'")
    if code == SUCCESS and 200 <= status < 300:
        return Answer(envelope.get("data"), trace, "data" in envelope)
    message = envelope.get("message")
    text = redact(message) if isinstance(message, str) else ""
    if status == 418 or code == 30017:
        raise api_error(30017, text, trace=trace, http_status=status, path=path)
    if status == 429 or code == 30013:
        error = api_error(30013, text, trace=trace, http_status=status, path=path)
        assert isinstance(error, RateLimited) and not isinstance(error, Banned)
        error.retry_after_s = parse_rate_headers(response.headers).reset_s
        raise error
    if code == SUCCESS:
        if status >= 500:
            raise ServerError(path, status, code, trace)
        raise ProtocolError(path, f"code 1000 with HTTP status {status}")
    raise api_error(code, text, trace=trace, http_status=status, path=path)
