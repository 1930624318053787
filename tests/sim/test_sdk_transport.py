"""The official SDK's own signing and headers against our gateway (backend replaced by a fake).

The full trading round with the real backend is in test_sdk_conformance.py; this file pins the
transport facts on their own: the SDK signs `json.dumps` output (", " separators) over the raw
body, sends KEYED GETs with only X-BM-KEY, and reads all four rate-limit headers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bitmart.api_contract import APIContract
from bitmart.lib.cloud_exceptions import APIException

from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND
from tests.sim.helpers import now_ms


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    return make_sim_server(backend=FAKE_BACKEND)


def test_sdk_signed_post_and_keyed_get(server: SimServer, sdk_client: Callable[..., Any]) -> None:
    api = sdk_client(server)
    body, limits = api.post_submit_order(
        "BTCUSDT",
        client_order_id="sdk1",
        type="market",
        side=1,
        size=3,
        leverage="10",
        open_type="cross",
    )
    assert body["code"] == 1000 and isinstance(body["data"]["order_id"], int)
    assert limits == {"Remaining": "1", "Limit": "24", "Reset": "2", "Mode": "KEY"}
    moved, _ = api.post_transfer(currency="USDT", amount="10", type="spot_to_contract")
    assert moved["data"] == {"currency": "USDT", "amount": "10"}
    assets, limits = api.get_assets_detail()
    assert assets["data"][0]["available_balance"] == "10"
    assert limits["Limit"] == "12"
    assert server.state()["orders"][0]["client_order_id"] == "sdk1"


def test_sdk_with_wrong_secret_is_rejected(server: SimServer) -> None:
    creds = server.credentials
    client = APIContract(
        api_key=creds.key,
        secret_key="not-the-secret",
        memo=creds.memo,
        url=server.url,
        timeout=(3, 10),
    )
    try:
        with pytest.raises(APIException) as info:
            client.post_submit_order("BTCUSDT", type="market", side=1, size=1)
        assert info.value.status_code == 401 and '"code":30005' in info.value.response
        # KEYED reads need only the key, so the same client can still read.
        assert client.get_assets_detail()[0]["code"] == 1000
    finally:
        client.session.close()
    assert server.state()["orders"] == []


def test_sdk_rate_limited_write_is_429(
    make_sim_server: Callable[..., SimServer], sdk_client: Callable[..., Any]
) -> None:
    # A frozen server clock: the 2 s window can never roll over between the two calls.
    frozen = now_ms()
    api = sdk_client(make_sim_server(backend=FAKE_BACKEND, clock=lambda: frozen))
    api.post_transfer(currency="USDT", amount="1", type="spot_to_contract")
    with pytest.raises(APIException) as info:  # 1 per 2 s per key (facts section 2, #24)
        api.post_transfer(currency="USDT", amount="1", type="spot_to_contract")
    assert info.value.status_code == 429 and '"code":30013' in info.value.response
