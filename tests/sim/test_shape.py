"""``--shape sparse`` answers the way recorded real replies did, and read-only keys get 30012 on
writes (runner/sim/shape.py, runner/sim/keys.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from runner.config import PAPER_URL
from runner.sim.adapter import paper_session
from runner.sim.auth import expected_sign
from runner.sim.server import SimServer
from runner.sim.shape import shaper
from tests.simfixtures import make_sim_server  # noqa: F401


def _get(server: SimServer, path: str, **query: str) -> requests.Response:
    headers = {"X-BM-KEY": server.credentials.key}
    return requests.get(server.url + path, params=query, headers=headers, timeout=5)


def _post(server: SimServer, path: str, body: dict[str, Any]) -> requests.Response:
    creds = server.credentials
    raw = json.dumps(body).encode()
    timestamp = str(server.sim.server_time_ms())
    headers = {
        "X-BM-KEY": creds.key,
        "X-BM-TIMESTAMP": timestamp,
        "X-BM-SIGN": expected_sign(creds.secret, timestamp, creds.memo, raw),
        "Content-Type": "application/json",
    }
    return requests.post(server.url + path, data=raw, headers=headers, timeout=5)


@pytest.fixture
def sparse(make_sim_server: Callable[..., SimServer]) -> SimServer:  # noqa: F811
    return make_sim_server(rate_limit=False, shape="sparse")


def test_sparse_details_leave_out_what_2023_replies_lacked(sparse: SimServer) -> None:
    body = _get(sparse, "/contract/public/details", symbol="BTCUSDT").json()
    (row,) = body["data"]["symbols"]
    for absent in ("market_max_volume", "status", "delist_time", "funding_interval_hours"):
        assert absent not in row
    assert "trace" not in body
    assert body["message"] == "Ok"
    assert row["max_volume"] and row["price_precision"]


def test_sparse_system_routes_say_OK_and_status_is_a_number(sparse: SimServer) -> None:
    body = _get(sparse, "/system/service").json()
    assert body["message"] == "OK"
    assert all(isinstance(s["status"], int) for s in body["data"]["service"])


def test_sparse_errors_are_bare_and_cancels_have_no_data(sparse: SimServer) -> None:
    error = _post(sparse, "/contract/private/cancel-order", {"symbol": "BTCUSDT", "order_id": "1"})
    assert set(error.json()) == {"code", "message"}
    done = _post(sparse, "/contract/private/cancel-orders", {"symbol": "BTCUSDT"})
    assert done.json()["code"] == 1000
    assert "data" not in done.json()


def test_full_shape_is_unchanged() -> None:
    envelope = {"code": 1000, "message": "Ok", "data": {"symbols": [{"status": "Trading"}]}}
    assert shaper("full")("/contract/public/details", dict(envelope), True) == envelope
    with pytest.raises(ValueError, match="shape"):
        shaper("odd")


def test_read_only_key_reads_but_cannot_write(
    make_sim_server: Callable[..., SimServer],  # noqa: F811
) -> None:
    server = make_sim_server(rate_limit=False, key_permissions=frozenset({"read"}))
    assert _get(server, "/contract/private/assets-detail").json()["code"] == 1000
    refused = _post(server, "/contract/private/cancel-orders", {"symbol": "BTCUSDT"})
    assert refused.status_code == 403
    assert refused.json()["code"] == 30012
    assert refused.headers["Content-Type"].startswith("application/json")


def test_sparse_403_errors_are_text_plain(
    make_sim_server: Callable[..., SimServer],  # noqa: F811
) -> None:
    server = make_sim_server(rate_limit=False, shape="sparse", key_permissions=frozenset())
    refused = _get(server, "/contract/private/assets-detail")
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert refused.json() == {
        "code": 30012,
        "message": "Header X-BM-KEY is forbidden to request it",
    }


def test_key_permissions_control_endpoint(sim_server: SimServer) -> None:
    url = sim_server.url + "/sim/key"
    answer = requests.post(url, json={"permissions": ["read"]}, timeout=5).json()
    assert answer == {"ok": True, "permissions": ["read"]}
    assert (
        _post(sim_server, "/contract/private/cancel-orders", {"symbol": "BTCUSDT"}).json()["code"]
        == 30012
    )
    bad = requests.post(url, json={"permissions": ["withdraw"]}, timeout=5)
    assert bad.status_code == 400
    requests.post(url, json={"permissions": ["read", "trade"]}, timeout=5)
    assert (
        _post(sim_server, "/contract/private/cancel-orders", {"symbol": "BTCUSDT"}).json()["code"]
        == 1000
    )


def test_paper_takes_its_shape_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = PAPER_URL + "/contract/public/details"
    with paper_session(tmp_path / "full.sqlite3") as http:
        assert "status" in http.get(url, timeout=5).json()["data"]["symbols"][0]
    monkeypatch.setenv("BITMART_SIM_SHAPE", "sparse")
    with paper_session(tmp_path / "sparse.sqlite3") as http:
        assert "status" not in http.get(url, timeout=5).json()["data"]["symbols"][0]


def test_serve_takes_shape_and_key_permissions_options() -> None:
    from tests.sim.test_serve_process import _serve

    with _serve("--shape", "sparse", "--key-permissions", "read") as (proc, first):
        url = first.strip().removeprefix("listening on ")
        with requests.Session() as http:
            state = http.get(url + "/sim/state", timeout=10).json()
        proc.terminate()
        proc.communicate(timeout=30)
    assert state["shape"] == "sparse"
    assert state["key_permissions"] == ["read"]
