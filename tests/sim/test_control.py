"""The /sim/* control endpoints over HTTP: effects, and 400 (never a traceback) on bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    return make_sim_server(backend=FAKE_BACKEND)


@pytest.fixture
def http() -> Any:
    with requests.Session() as session:
        yield session


def test_price_fund_reset_state(server: SimServer, http: requests.Session) -> None:
    assert http.post(
        server.url + "/sim/price", json={"symbol": "BTCUSDT", "price": "70000"}, timeout=5
    ).json() == {"ok": True}
    http.post(server.url + "/sim/fund", json={"wallet": "futures", "amount": 250}, timeout=5)
    state = http.get(server.url + "/sim/state", timeout=5).json()
    assert state["prices"]["BTCUSDT"] == "70000"
    assert state["balances"] == {"spot": "10000", "futures": "250"}
    http.post(server.url + "/sim/reset", json={"spot": "5", "futures": "7.5"}, timeout=5)
    assert server.state()["balances"] == {"spot": "5", "futures": "7.5"}
    http.post(server.url + "/sim/reset", timeout=5)  # empty body: backend defaults
    assert server.state()["balances"] == {"spot": "10000", "futures": "0"}


def test_clock_and_faults_endpoints(server: SimServer, http: requests.Session) -> None:
    reply = http.post(server.url + "/sim/clock", json={"skew_ms": -5000}, timeout=5).json()
    assert reply["skew_ms"] == -5000
    assert server.state()["clock_skew_ms"] == -5000
    rules = [{"path": "/system/time", "fault": "http_500", "count": 2}]
    listed = http.post(server.url + "/sim/faults", json={"rules": rules}, timeout=5).json()
    assert listed["rules"][0]["count"] == 2
    assert http.get(server.url + "/sim/faults", timeout=5).json()["rules"][0]["fault"] == "http_500"
    assert http.delete(server.url + "/sim/faults", timeout=5).json() == {"ok": True, "rules": []}
    assert http.get(server.url + "/system/time", timeout=5).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/sim/price", {"symbol": "BTCUSDT"}),
        ("/sim/price", {"symbol": "BTCUSDT", "price": "-1"}),
        ("/sim/price", {"symbol": "BTCUSDT", "price": "abc"}),
        ("/sim/price", {"symbol": "BTCUSDT", "price": True}),
        ("/sim/price", {"symbol": "NOPEUSDT", "price": "1"}),  # backend refuses: still a 400
        ("/sim/price", {"price": "1"}),
        ("/sim/fund", {"wallet": "savings", "amount": "1"}),
        ("/sim/fund", {"wallet": "spot", "amount": "0"}),
        ("/sim/fund", {"wallet": "spot", "amount": "Infinity"}),
        ("/sim/reset", {"spot": "-5"}),
        ("/sim/clock", {"skew_ms": "soon"}),
        ("/sim/faults", {"rules": [{"path": "/x", "fault": "meteor"}]}),
    ],
)
def test_bad_control_input_is_400_json(
    server: SimServer, http: requests.Session, path: str, body: dict[str, Any]
) -> None:
    response = http.post(server.url + path, json=body, timeout=5)
    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)
    assert "Traceback" not in response.text


def test_non_json_control_body_and_unknown_endpoint(
    server: SimServer, http: requests.Session
) -> None:
    response = http.post(server.url + "/sim/price", data=b"{nope", timeout=5)
    assert response.status_code == 400 and "JSON object" in response.json()["error"]
    missing = http.post(server.url + "/sim/teleport", json={}, timeout=5)
    assert missing.status_code == 404 and "/sim/state" in missing.json()["error"]


def test_python_api_rejects_float(server: SimServer) -> None:
    with pytest.raises(TypeError):
        server.fund("spot", 1.5)  # type: ignore[arg-type]


def test_writes_lists_only_account_changing_requests(
    server: SimServer, http: requests.Session
) -> None:
    from tests.sim.helpers import ASSETS, SUBMIT, get_keyed, post_signed

    get_keyed(http, server.url, ASSETS, server.credentials)
    post_signed(
        http,
        server.url,
        "/account/v1/transfer-contract-list",
        {"page": 1, "limit": 10},
        server.credentials,
    )
    assert server.writes() == []
    order = {"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1, "client_order_id": "w1"}
    post_signed(http, server.url, SUBMIT, order, server.credentials)
    assert [(w.path, w.client_order_id) for w in server.writes()] == [(SUBMIT, "w1")]


@pytest.mark.parametrize("price", ["1e999999999", "1000000000000000", "0.0000000000000000001"])
def test_absurd_numbers_are_refused(server: SimServer, http: requests.Session, price: str) -> None:
    response = http.post(
        server.url + "/sim/price", json={"symbol": "BTCUSDT", "price": price}, timeout=5
    )
    assert response.status_code == 400
    assert server.state()["prices"]["BTCUSDT"] == "65000"
