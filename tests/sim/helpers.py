"""Request builders for simulator tests; they sign for themselves (never via runner.exchange)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from runner.sim.auth import ApiCredentials

SUBMIT = "/contract/private/submit-order"
OPEN_ORDERS = "/contract/private/get-open-orders"
ASSETS = "/contract/private/assets-detail"
TRANSFER = "/account/v1/transfer-contract"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def sign(creds: ApiCredentials, timestamp: str, body: bytes) -> str:
    message = f"{timestamp}#{creds.memo}#".encode() + body
    return hmac.new(creds.secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    creds: ApiCredentials, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(now_ms() if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        "User-Agent": "bitmart-runner-tests/1",
        "X-BM-KEY": creds.key,
        "X-BM-TIMESTAMP": ts,
        "X-BM-SIGN": sign(creds, ts, body),
    }


def post_signed(
    session: requests.Session,
    base_url: str,
    path: str,
    payload: dict[str, Any] | bytes,
    creds: ApiCredentials,
    *,
    timestamp: int | None = None,
    timeout: float = 10,
) -> requests.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = signed_headers(creds, body, timestamp)
    return session.post(base_url + path, data=body, headers=headers, timeout=timeout)


def get_keyed(
    session: requests.Session, base_url: str, path: str, creds: ApiCredentials, **params: str
) -> requests.Response:
    headers = {"X-BM-KEY": creds.key, "User-Agent": "bitmart-runner-tests/1"}
    return session.get(base_url + path, params=params, headers=headers, timeout=10)
