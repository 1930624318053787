"""Response bodies: standard and affiliate envelopes (facts 3.1/3.2), HTML fault pages."""

from __future__ import annotations

import uuid
from typing import Any

from runner.sim.routes import Route

CLOUDFLARE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Access denied | api-cloud-v2.bitmart.com used Cloudflare"
    b" to restrict access</title></head><body><h1>Error 1010</h1><p>Access denied</p>"
    b"<p>The owner of this website has banned your access based on your browser's signature."
    b"</p><p>Cloudflare Ray ID: <strong>8a1b2c3d4e5f6789</strong> &bull; Performance &amp; "
    b"security by Cloudflare</p></body></html>"
)
SERVER_ERROR_PAGE = b"<html><body><h1>500 Internal Server Error</h1></body></html>"


def _trace() -> str:
    return str(uuid.uuid4())


def ok_envelope(route: Route | None, data: Any) -> dict[str, Any]:
    if route is not None and route.affiliate:
        return affiliate_envelope("1000", "OK", data, success=True)
    envelope: dict[str, Any] = {"code": 1000, "message": route.ok_message if route else "Ok"}
    # A payload of None means "no data": real cancel responses omit the key (facts 3.1).
    if data is not None:
        envelope["data"] = data
    envelope["trace"] = _trace()
    return envelope


def error_envelope(route: Route | None, code: int, message: str) -> dict[str, Any]:
    if route is not None and route.affiliate and code >= 40000:
        return affiliate_envelope(str(code), message, None, success=False)
    return {"code": code, "message": message, "data": None, "trace": _trace()}


def affiliate_envelope(code: str, message: str, data: Any, *, success: bool) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "success": success,
        "data": data,
        "requestId": uuid.uuid4().hex,
        "trace": None,
    }
