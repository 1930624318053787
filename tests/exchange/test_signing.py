"""Signing (facts 4.3 vectors), the headers of each auth level, and the body bytes signed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import responses
from hypothesis import given
from hypothesis import strategies as st

from runner import __version__
from runner.config import Credentials
from runner.exchange import ReadClient, TradeClient
from runner.exchange.signing import BROKER_ID, encode_body, sign
from runner.sim.auth import ApiCredentials, authenticate, expected_sign
from runner.sim.routes import lookup
from tests.exchange.conftest import DOC_CREDS, LIVE, SPOT, envelope

SECRET = DOC_CREDS.secret
MEMO = DOC_CREDS.memo

VECTORS = [
    (
        "1589793796145",
        '{"symbol":"BTC_USDT","price":"8600","count":"100"}',
        "c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d",
    ),
    (
        "1589267764859",
        "contract_id=1&category=1",
        "6d5e774446448073f68e99c28ace86503451bed1fd44e43f80b9b518937c4ef1",
    ),
    (
        "1589793796145",
        '{"symbol":"BTCUSDT","side":1,"type":"market","size":1,"leverage":"10","open_type":"cross"}',
        "390876569b3d495b23d943d7a312712ab0134f8d3746e383e9d823102d530fd9",
    ),
    (
        "1589793796145",
        '{"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1, "leverage": "10", '
        '"open_type": "cross"}',
        "3b2950b4d64d18a1f8455caa3340a7f312573fb176f31ff68701b4b916385531",
    ),
    ("1589793796145", "", "f38f0d62f545344208c544d43a32269234c08ad19c50b00707444a3172f47546"),
    (
        "1589267764859",
        "bitmart.WebSocket",
        "3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556",
    ),
]


@pytest.mark.parametrize(("timestamp", "payload", "expected"), VECTORS)
def test_published_vectors(timestamp: str, payload: str, expected: str) -> None:
    assert sign(SECRET, timestamp, MEMO, payload.encode()) == expected


def test_body_is_compact_json_and_refuses_floats() -> None:
    assert encode_body({"a": 1, "p": Decimal("64000.50")}) == b'{"a":1,"p":"64000.50"}'
    assert encode_body({}) == b"{}"
    with pytest.raises(TypeError, match="float"):
        encode_body({"price": 1.1})


def _common(headers: object) -> None:
    assert headers["X-BM-BROKER-ID"] == BROKER_ID  # type: ignore[index]
    agent = headers["User-Agent"]  # type: ignore[index]
    assert "bitmart-runner" in agent and __version__ in agent


def test_none_endpoint_sends_no_key(mocked: responses.RequestsMock, reader: ReadClient) -> None:
    mocked.get(f"{LIVE}/system/time", json=envelope({"server_time": 1}))
    reader.system_time_ms()
    headers = mocked.calls[0].request.headers
    _common(headers)
    assert not {"X-BM-KEY", "X-BM-SIGN", "X-BM-TIMESTAMP", "Content-Type"} & set(headers)


def test_keyed_endpoint_sends_only_the_key(
    mocked: responses.RequestsMock, reader: ReadClient
) -> None:
    mocked.get(f"{LIVE}/contract/private/get-position-mode", json=envelope({"position_mode": "x"}))
    mocked.get(f"{SPOT}/account/v1/wallet", json=envelope({"wallet": []}))
    reader.position_mode()
    reader.spot_wallet()
    for call in mocked.calls:
        headers = call.request.headers
        _common(headers)
        assert headers["X-BM-KEY"] == DOC_CREDS.key
        assert "X-BM-SIGN" not in headers and "X-BM-TIMESTAMP" not in headers


def test_signed_post_signs_the_exact_bytes_sent(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    mocked.post(
        f"{LIVE}/contract/private/submit-order", json=envelope({"order_id": 1, "price": "1"})
    )
    trader.submit_order("BTCUSDT", side=1, size=1, type="limit", price=Decimal("64000.5"))
    request = mocked.calls[0].request
    headers = request.headers
    _common(headers)
    assert headers["Content-Type"] == "application/json"
    assert headers["X-BM-TIMESTAMP"] == "1700000000000"  # the injected wall clock
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    assert headers["X-BM-SIGN"] == sign(SECRET, headers["X-BM-TIMESTAMP"], MEMO, body)
    assert json.loads(body)["price"] == "64000.5"  # prices travel as strings


def test_post_without_parameters_signs_empty_object(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    mocked.post(
        f"{LIVE}/contract/private/claim", json=envelope({"currency": "USDT", "amount": "1"})
    )
    trader.claim()
    request = mocked.calls[0].request
    assert request.body == b"{}"
    assert request.headers["X-BM-SIGN"] == sign(
        SECRET, request.headers["X-BM-TIMESTAMP"], MEMO, b"{}"
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    body=st.dictionaries(st.text(), json_values, max_size=5),
    memo=st.text(min_size=1),
    secret=st.text(min_size=1),
)
def test_any_body_and_memo_verify_with_the_simulator(
    body: dict[str, object], memo: str, secret: str
) -> None:
    """The simulator's independent verifier accepts whatever the client signs."""
    from runner.exchange.signing import Auth, auth_headers

    creds = Credentials("key0000000000000000", secret, memo)
    raw = encode_body(body)
    timestamp = "1700000000000"
    headers = auth_headers(Auth.SIGNED, creds, timestamp, raw)
    assert headers["X-BM-SIGN"] == expected_sign(secret, timestamp, memo, raw)
    route = lookup("POST", "/contract/private/submit-order")
    lowered = {k.lower(): v for k, v in headers.items()}
    used = authenticate(
        route, lowered, raw, ApiCredentials(creds.key, secret, memo), int(timestamp)
    )
    assert used == creds.key
