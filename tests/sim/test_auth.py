"""Header auth (facts section 4): published test vectors and each rejection code, unit level."""

from __future__ import annotations

import pytest

from runner.sim.auth import (
    TEST_CREDENTIALS,
    ApiCredentials,
    authenticate,
    expected_sign,
    recv_window_ms,
)
from runner.sim.errors import ApiError
from runner.sim.routes import ROUTES

NOW = 1_589_793_796_145
SUBMIT = ROUTES["/contract/private/submit-order"]
TRANSFER = ROUTES["/account/v1/transfer-contract"]
KEYED = ROUTES["/contract/private/position-v2"]
PUBLIC = ROUTES["/contract/public/details"]

# Facts 4.3: BitMart's published documentation credentials and the signatures they produce.
VECTORS = [
    (
        "1589793796145",
        b'{"symbol":"BTC_USDT","price":"8600","count":"100"}',
        "c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d",
    ),
    (
        "1589267764859",
        b"contract_id=1&category=1",
        "6d5e774446448073f68e99c28ace86503451bed1fd44e43f80b9b518937c4ef1",
    ),
    (
        "1589793796145",
        b'{"symbol":"BTCUSDT","side":1,"type":"market","size":1,"leverage":"10","open_type":"cross"}',
        "390876569b3d495b23d943d7a312712ab0134f8d3746e383e9d823102d530fd9",
    ),
    (
        "1589793796145",
        b'{"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1, "leverage": "10", '
        b'"open_type": "cross"}',
        "3b2950b4d64d18a1f8455caa3340a7f312573fb176f31ff68701b4b916385531",
    ),
    ("1589793796145", b"", "f38f0d62f545344208c544d43a32269234c08ad19c50b00707444a3172f47546"),
    (
        "1589267764859",
        b"bitmart.WebSocket",
        "3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556",
    ),
]


@pytest.mark.parametrize(("timestamp", "payload", "sign"), VECTORS)
def test_published_signature_vectors(timestamp: str, payload: bytes, sign: str) -> None:
    creds = TEST_CREDENTIALS
    assert expected_sign(creds.secret, timestamp, creds.memo, payload) == sign


def _signed(body: bytes, ts: int = NOW, creds: ApiCredentials = TEST_CREDENTIALS) -> dict[str, str]:
    return {
        "x-bm-key": creds.key,
        "x-bm-timestamp": str(ts),
        "x-bm-sign": expected_sign(creds.secret, str(ts), creds.memo, body),
    }


def _code(route, headers: dict[str, str], body: bytes = b"{}", now: int = NOW) -> int:
    with pytest.raises(ApiError) as info:
        authenticate(route, headers, body, TEST_CREDENTIALS, now)
    return info.value.code


def test_signed_request_accepted_and_returns_key() -> None:
    body = VECTORS[2][1]
    assert authenticate(SUBMIT, _signed(body), body, TEST_CREDENTIALS, NOW) == TEST_CREDENTIALS.key


def test_signature_is_over_raw_bytes_not_reserialised_json() -> None:
    signed_compact = _signed(VECTORS[2][1])
    # Same JSON object, different bytes: the compact signature must not verify the spaced body.
    assert _code(SUBMIT, signed_compact, VECTORS[3][1]) == 30005


def test_each_auth_code() -> None:
    good = _signed(b"{}")
    assert _code(SUBMIT, {k: v for k, v in good.items() if k != "x-bm-key"}) == 30002
    assert _code(SUBMIT, {**good, "x-bm-key": ""}) == 30001
    assert _code(SUBMIT, {**good, "x-bm-key": "someone-else"}) == 30002
    assert _code(SUBMIT, {k: v for k, v in good.items() if k != "x-bm-timestamp"}) == 30006
    assert _code(SUBMIT, {**good, "x-bm-timestamp": ""}) == 30006
    assert _code(SUBMIT, {**good, "x-bm-timestamp": "12.5"}) == 30008
    assert _code(SUBMIT, {**good, "x-bm-timestamp": "abc"}) == 30008
    assert _code(SUBMIT, {k: v for k, v in good.items() if k != "x-bm-sign"}) == 30004
    assert _code(SUBMIT, {**good, "x-bm-sign": "0" * 64}) == 30005


def test_timestamp_window_is_one_minute_both_ways() -> None:
    for ts in (NOW - 60_000, NOW + 60_000):
        assert authenticate(SUBMIT, _signed(b"{}", ts), b"{}", TEST_CREDENTIALS, NOW)
    assert _code(SUBMIT, _signed(b"{}", NOW - 60_001)) == 30007
    assert _code(SUBMIT, _signed(b"{}", NOW + 60_001)) == 30007


def test_wrong_secret_or_memo_is_30005() -> None:
    other_secret = ApiCredentials(TEST_CREDENTIALS.key, "wrong", TEST_CREDENTIALS.memo)
    other_memo = ApiCredentials(TEST_CREDENTIALS.key, TEST_CREDENTIALS.secret, "wrong")
    assert _code(SUBMIT, _signed(b"{}", creds=other_secret)) == 30005
    assert _code(SUBMIT, _signed(b"{}", creds=other_memo)) == 30005


def test_recv_window_on_transfers() -> None:
    body = b'{"currency":"USDT","amount":"1","type":"spot_to_contract"}'
    # Default 5000 ms: 5 s late passes, 5.001 s late fails (where other endpoints allow 60 s).
    assert authenticate(TRANSFER, _signed(body, NOW - 5_000), body, TEST_CREDENTIALS, NOW)
    assert _code(TRANSFER, _signed(body, NOW - 5_001), body) == 30007
    assert authenticate(SUBMIT, _signed(body, NOW - 5_001), body, TEST_CREDENTIALS, NOW)
    wide = b'{"currency":"USDT","amount":"1","type":"spot_to_contract","recvWindow":60000}'
    assert authenticate(TRANSFER, _signed(wide, NOW - 59_000), wide, TEST_CREDENTIALS, NOW)
    narrow = b'{"recvWindow":100}'
    assert _code(TRANSFER, _signed(narrow, NOW - 101), narrow) == 30007


@pytest.mark.parametrize(
    "raw", [b'{"recvWindow":0}', b'{"recvWindow":60001}', b'{"recvWindow":"x"}']
)
def test_recv_window_out_of_range_is_a_parameter_error(raw: bytes) -> None:
    with pytest.raises(ApiError) as info:
        recv_window_ms(raw)
    assert (info.value.code, info.value.http_status) == (40007, 400)


def test_keyed_ignores_sign_and_timestamp_headers() -> None:
    garbage = {"x-bm-key": TEST_CREDENTIALS.key, "x-bm-sign": "nope", "x-bm-timestamp": "x"}
    assert authenticate(KEYED, garbage, b"", TEST_CREDENTIALS, NOW) == TEST_CREDENTIALS.key
    assert _code(KEYED, {"x-bm-sign": "nope"}, b"") == 30002


def test_public_needs_nothing() -> None:
    assert authenticate(PUBLIC, {}, b"", TEST_CREDENTIALS, NOW) is None


def test_credentials_repr_hides_secret_and_memo() -> None:
    text = repr(TEST_CREDENTIALS)
    assert TEST_CREDENTIALS.secret not in text
    assert TEST_CREDENTIALS.memo not in text
