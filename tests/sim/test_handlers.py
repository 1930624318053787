"""SimHandler without sockets: envelopes, body rules, rate limits on an injected clock, the log."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from runner.sim.auth import TEST_CREDENTIALS
from runner.sim.handlers import SimHandler
from runner.sim.host import MemoryHost
from tests.sim.fake_backend import FAKE_BACKEND, FakeExchange
from tests.sim.helpers import ASSETS, SUBMIT, sign

START_MS = 1_700_000_000_000


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def exchange() -> FakeExchange:
    return FakeExchange.new(now_ms=START_MS)


@pytest.fixture
def sim(exchange: FakeExchange, clock: Clock) -> SimHandler:
    return SimHandler(MemoryHost(exchange), TEST_CREDENTIALS, clock=clock, backend=FAKE_BACKEND)


def _signed(sim: SimHandler, body: bytes, path: str = SUBMIT) -> tuple[int, dict[str, str], Any]:
    ts = str(sim.server_time_ms())
    headers = {
        "X-BM-KEY": TEST_CREDENTIALS.key,
        "X-BM-TIMESTAMP": ts,
        "X-BM-SIGN": sign(TEST_CREDENTIALS, ts, body),
    }
    reply = sim.handle("POST", path, "", headers, body)
    return reply.status, reply.headers, json.loads(reply.body)


def _keyed(sim: SimHandler, path: str, query: str = "") -> tuple[int, dict[str, str], Any]:
    reply = sim.handle("GET", path, query, {"x-bm-key": TEST_CREDENTIALS.key}, b"")
    return reply.status, reply.headers, json.loads(reply.body)


def test_success_envelope_and_rate_headers(sim: SimHandler) -> None:
    status, headers, body = _keyed(sim, ASSETS)
    assert status == 200
    assert body["code"] == 1000 and body["message"] == "Ok"
    assert body["data"] == [{"currency": "USDT", "available_balance": "0"}]
    assert len(body["trace"]) == 36  # a UUID
    assert headers["X-BM-RateLimit-Remaining"] == "1"  # used, not left
    assert headers["X-BM-RateLimit-Limit"] == "12"
    assert headers["X-BM-RateLimit-Reset"] == "2"
    assert headers["X-BM-RateLimit-Mode"] == "KEY"


def test_engine_receives_query_strings_and_decimal_json(sim: SimHandler, exchange) -> None:
    _keyed(sim, "/contract/private/get-open-orders", "symbol=BTCUSDT&limit=5")
    _signed(sim, b'{"symbol":"BTCUSDT","size":3,"price":"65000.5","x":1.25}')
    assert exchange.calls[0] == (
        "GET",
        "/contract/private/get-open-orders",
        {"symbol": "BTCUSDT", "limit": "5"},
    )
    params = exchange.calls[1][2]
    assert params == {"symbol": "BTCUSDT", "size": 3, "price": "65000.5", "x": Decimal("1.25")}
    assert isinstance(params["x"], Decimal)


@pytest.mark.parametrize("body", [b"", b"[1,2]", b"not json", b'{"a":NaN}', b"\xff\xfe"])
def test_post_body_must_be_a_json_object(sim: SimHandler, body: bytes) -> None:
    status, _, envelope = _signed(sim, body)
    assert (status, envelope["code"], envelope["data"]) == (503, 30018, None)


def test_engine_error_keeps_its_status_and_code(sim: SimHandler) -> None:
    status, headers, body = _signed(sim, b'{"symbol":"NOPEUSDT","size":1}')
    assert (status, body["code"], body["data"]) == (400, 40034, None)
    assert body["message"] == "The Symbol is not exist"
    assert headers["X-BM-RateLimit-Remaining"] == "1"


def test_no_data_key_when_engine_returns_none(sim: SimHandler) -> None:
    status, _, body = _signed(sim, b'{"symbol":"BTCUSDT"}', "/contract/private/cancel-orders")
    assert status == 200
    assert "data" not in body and body["code"] == 1000


def test_affiliate_envelope(sim: SimHandler) -> None:
    status, _, body = _keyed(sim, "/contract/private/affiliate/invite-check", "cid=1")
    assert status == 200
    assert body["code"] == "1000" and body["success"] is True and body["message"] == "OK"
    assert body["trace"] is None and len(body["requestId"]) == 32
    assert body["data"] == {"isInviteUser": True}


def test_v1_route_is_deprecated(sim: SimHandler) -> None:
    status, _, body = _keyed(sim, "/contract/v1/ifcontract/userPositions")
    assert (status, body["code"]) == (200, 30030)


def test_rate_limit_window_on_injected_clock(sim: SimHandler, clock: Clock) -> None:
    path = "/contract/private/position-v2"  # 6 per 2 s per key
    for used in range(1, 7):
        status, headers, _ = _keyed(sim, path)
        assert headers["X-BM-RateLimit-Remaining"] == str(used)
    status, headers, body = _keyed(sim, path)
    assert (status, body["code"]) == (429, 30013)
    assert headers["X-BM-RateLimit-Remaining"] == "6" and headers["X-BM-RateLimit-Limit"] == "6"
    clock.ms += 1999
    assert _keyed(sim, path)[0] == 429
    clock.ms += 1
    status, headers, _ = _keyed(sim, path)
    assert status != 429 and headers["X-BM-RateLimit-Remaining"] == "1"


def test_transfer_allows_one_call_per_window(sim: SimHandler) -> None:
    # transfer-contract: 1 per 2 s per key.
    body = b'{"currency":"USDT","amount":"1","type":"spot_to_contract"}'
    assert _signed(sim, body, "/account/v1/transfer-contract")[0] == 200
    status, _, envelope = _signed(sim, body, "/account/v1/transfer-contract")
    assert (status, envelope["code"]) == (429, 30013)


def test_auth_failure_does_not_consume_budget(sim: SimHandler) -> None:
    for _ in range(10):
        reply = sim.handle("GET", "/contract/private/position-v2", "", {}, b"")
        assert reply.status == 401
    assert _keyed(sim, "/contract/private/position-v2")[1]["X-BM-RateLimit-Remaining"] == "1"


def test_request_log_marks_writes_and_client_ids(sim: SimHandler) -> None:
    _keyed(sim, ASSETS)
    _signed(sim, b'{"symbol":"BTCUSDT","size":1,"client_order_id":"abc123"}')
    _signed(sim, b'{"page":1,"limit":10}', "/account/v1/transfer-contract-list")
    log = sim.request_log()
    assert [(e.path, e.write) for e in log] == [
        (ASSETS, False),
        (SUBMIT, True),
        ("/account/v1/transfer-contract-list", False),
    ]
    assert log[1].client_order_id == "abc123" and log[1].code == 1000 and log[1].status == 200
    assert sim.request_counts() == {ASSETS: 1, SUBMIT: 1, "/account/v1/transfer-contract-list": 1}


def test_clock_skew_moves_server_time(sim: SimHandler, clock: Clock) -> None:
    sim.set_skew(-120_000)
    reply = sim.handle("GET", "/system/time", "", {}, b"")
    assert json.loads(reply.body)["data"]["server_time"] == START_MS - 120_000
    # A client on the true clock is now two minutes ahead of the server: 30007.
    ts = str(clock.ms)
    body = b"{}"
    headers = {
        "X-BM-KEY": TEST_CREDENTIALS.key,
        "X-BM-TIMESTAMP": ts,
        "X-BM-SIGN": sign(TEST_CREDENTIALS, ts, body),
    }
    reply = sim.handle("POST", SUBMIT, "", headers, body)
    assert (reply.status, json.loads(reply.body)["code"]) == (401, 30007)


def test_state_merges_engine_and_requests(sim: SimHandler) -> None:
    _keyed(sim, ASSETS)
    state = sim.state()
    assert state["balances"] == {"spot": "10000", "futures": "0"}
    assert state["request_counts"] == {ASSETS: 1}
    assert state["request_log"][0]["path"] == ASSETS
