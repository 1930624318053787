"""Auth over real HTTP from a plain `requests` client (facts 4.2-4.4, 6.1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import requests

from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND
from tests.sim.helpers import ASSETS, SUBMIT, TRANSFER, now_ms, post_signed, signed_headers

ORDER = {"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1}


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    return make_sim_server(backend=FAKE_BACKEND, rate_limit=False)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _post(server: SimServer, http: requests.Session, headers: dict[str, str], body: bytes):
    response = http.post(server.url + SUBMIT, data=body, headers=headers, timeout=5)
    return response.status_code, response.json()["code"]


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


def test_each_auth_error_code(server: SimServer, http: requests.Session) -> None:
    body = json.dumps(ORDER).encode()
    good = signed_headers(server.credentials, body)
    cases = {
        30001: {**good, "X-BM-KEY": ""},
        30002: _without(good, "X-BM-KEY"),
        30004: _without(good, "X-BM-SIGN"),
        30005: {**good, "X-BM-SIGN": "ab" * 32},
        30006: _without(good, "X-BM-TIMESTAMP"),
        30007: signed_headers(server.credentials, body, now_ms() - 61_000),
        30008: {**good, "X-BM-TIMESTAMP": "2024-01-01T00:00:00Z"},
    }
    for code, headers in cases.items():
        assert _post(server, http, headers, body) == (401, code), code
    assert _post(server, http, good, body) == (200, 1000)
    assert [o["size"] for o in server.state()["orders"]] == [1]  # only the good one got through


def test_unknown_key_is_30002(server: SimServer, http: requests.Session) -> None:
    response = http.get(server.url + ASSETS, headers={"X-BM-KEY": "not-our-key"}, timeout=5)
    assert (response.status_code, response.json()["code"]) == (401, 30002)


def test_keyed_endpoint_accepts_missing_or_garbage_sign(
    server: SimServer, http: requests.Session
) -> None:
    key = server.credentials.key
    for headers in (
        {"X-BM-KEY": key},
        {"X-BM-KEY": key, "X-BM-SIGN": "garbage", "X-BM-TIMESTAMP": "not-a-time"},
        {"x-bm-key": key},  # header names are case-insensitive
    ):
        response = http.get(server.url + ASSETS, headers=headers, timeout=5)
        assert response.json()["code"] == 1000


def test_pretty_and_compact_bodies_both_verify(server: SimServer, http: requests.Session) -> None:
    compact = json.dumps({**ORDER, "client_order_id": "c1"}, separators=(",", ":")).encode()
    spaced = json.dumps({**ORDER, "client_order_id": "c2"}).encode()
    pretty = json.dumps({**ORDER, "client_order_id": "c3"}, indent=4).encode()
    for body in (compact, spaced, pretty):
        assert (
            post_signed(http, server.url, SUBMIT, body, server.credentials).json()["code"] == 1000
        )
    assert [o["client_order_id"] for o in server.state()["orders"]] == ["c1", "c2", "c3"]


def test_body_changed_after_signing_is_30005(server: SimServer, http: requests.Session) -> None:
    signed = json.dumps(ORDER).encode()
    headers = signed_headers(server.credentials, signed)
    tampered = json.dumps({**ORDER, "size": 100}).encode()
    assert _post(server, http, headers, tampered) == (401, 30005)
    assert server.state()["orders"] == []


def test_recv_window_on_transfers(server: SimServer, http: requests.Session) -> None:
    server.set_clock_skew(10_000)  # every request now arrives 10 s "late"
    transfer = {"currency": "USDT", "amount": "5", "type": "spot_to_contract"}

    def send(path: str, payload: dict) -> int:
        return post_signed(http, server.url, path, payload, server.credentials).json()["code"]

    assert send(TRANSFER, transfer) == 30007  # default recvWindow 5000 ms
    assert send(TRANSFER, {**transfer, "recvWindow": 20_000}) == 1000
    assert send(SUBMIT, ORDER) == 1000  # other endpoints keep the one-minute window
    response = post_signed(
        http, server.url, TRANSFER, {**transfer, "recvWindow": 70_000}, server.credentials
    )
    assert (response.status_code, response.json()["code"]) == (400, 40007)


def test_every_response_has_rate_headers(server: SimServer, http: requests.Session) -> None:
    for response in (
        http.get(server.url + ASSETS, timeout=5),  # 401
        http.get(server.url + "/no/such/path", timeout=5),  # 404
        http.get(server.url + "/contract/public/details", timeout=5),
    ):
        assert {
            "X-BM-RateLimit-Remaining",
            "X-BM-RateLimit-Limit",
            "X-BM-RateLimit-Reset",
            "X-BM-RateLimit-Mode",
        } <= set(response.headers)


def test_wrong_method_and_unknown_path_are_404_30000(
    server: SimServer, http: requests.Session
) -> None:
    for response in (
        http.get(server.url + SUBMIT, timeout=5),
        http.post(server.url + "/contract/private/close-all-position", json={}, timeout=5),
        http.put(server.url + "/system/time", timeout=5),
    ):
        assert (response.status_code, response.json()["code"]) == (404, 30000)
        assert response.json()["message"] == "Not found"


def test_chunked_body_is_read(server: SimServer, http: requests.Session) -> None:
    body = json.dumps(ORDER).encode()
    headers = signed_headers(server.credentials, body)
    response = http.post(
        server.url + SUBMIT, data=iter([body[:10], body[10:]]), headers=headers, timeout=5
    )
    assert response.json()["code"] == 1000
