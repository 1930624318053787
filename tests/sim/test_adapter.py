"""The in-process paper transport: same handler, SQLite between sessions, faults as exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from runner.config import PAPER_URL
from runner.sim.adapter import PAPER_CREDENTIALS, paper_session
from tests.sim.fake_backend import FAKE_BACKEND
from tests.sim.helpers import ASSETS, SUBMIT, get_keyed, post_signed

ORDER = {"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1, "client_order_id": "p1"}


def _fake_session(db: Path) -> requests.Session:
    return paper_session(db, FAKE_BACKEND)


def test_round_trip_persists_between_sessions(tmp_path: Path) -> None:
    db = tmp_path / "paper.sqlite3"
    with _fake_session(db) as first:
        response = post_signed(first, PAPER_URL, SUBMIT, ORDER, PAPER_CREDENTIALS)
        assert response.status_code == 200 and response.json()["code"] == 1000
        assert response.headers["X-BM-RateLimit-Limit"] == "24"
        assert response.url == PAPER_URL + SUBMIT
    with _fake_session(db) as second:
        orders = get_keyed(
            second, PAPER_URL, "/contract/private/get-open-orders", PAPER_CREDENTIALS
        ).json()["data"]
    assert [o["client_order_id"] for o in orders] == ["p1"]


def test_auth_is_checked_on_paper_too(tmp_path: Path) -> None:
    with _fake_session(tmp_path / "paper.sqlite3") as session:
        response = session.get(PAPER_URL + ASSETS, timeout=5)
    assert (response.status_code, response.json()["code"]) == (401, 30002)


def test_rate_limits_are_off_for_paper(tmp_path: Path) -> None:
    with _fake_session(tmp_path / "paper.sqlite3") as session:
        codes = {
            get_keyed(
                session, PAPER_URL, "/contract/private/position-v2", PAPER_CREDENTIALS
            ).json()["code"]
            for _ in range(10)
        }
    assert 30013 not in codes


def test_drop_fault_raises_connection_error_after_commit(tmp_path: Path) -> None:
    db = tmp_path / "paper.sqlite3"
    with _fake_session(db) as session:
        faults = {"rules": [{"path": SUBMIT, "fault": "drop_after_commit"}]}
        assert session.post(PAPER_URL + "/sim/faults", json=faults, timeout=5).status_code == 200
        with pytest.raises(requests.ConnectionError):
            post_signed(session, PAPER_URL, SUBMIT, ORDER, PAPER_CREDENTIALS)
        state = session.get(PAPER_URL + "/sim/state", timeout=5).json()
    assert [o["client_order_id"] for o in state["orders"]] == ["p1"]
    assert state["request_log"][-1]["fault"] == "drop_after_commit"


def test_cloudflare_page_is_text(tmp_path: Path) -> None:
    with _fake_session(tmp_path / "paper.sqlite3") as session:
        session.post(
            PAPER_URL + "/sim/faults",
            json={"rules": [{"path": ASSETS, "fault": "cloudflare_403"}]},
            timeout=5,
        )
        response = get_keyed(session, PAPER_URL, ASSETS, PAPER_CREDENTIALS)
    assert response.status_code == 403 and "Cloudflare" in response.text
    assert response.encoding == "UTF-8"


def test_paper_session_refuses_other_hosts(tmp_path: Path) -> None:
    with _fake_session(tmp_path / "paper.sqlite3") as session:
        for url in (
            "https://api-cloud-v2.bitmart.com/system/time",
            "http://127.0.0.1:9/x",
            "http://paper.invalid.example.com/x",
        ):
            with pytest.raises(requests.ConnectionError, match="only serves"):
                session.get(url, timeout=5)


def test_string_body_is_sent_as_latin1_like_http_client(tmp_path: Path) -> None:
    body = '{"symbol":"BTCUSDT","side":1,"type":"market","size":1}'
    with _fake_session(tmp_path / "paper.sqlite3") as session:
        from tests.sim.helpers import signed_headers

        headers = signed_headers(PAPER_CREDENTIALS, body.encode())
        response = session.post(PAPER_URL + SUBMIT, data=body, headers=headers, timeout=5)
    assert response.json()["code"] == 1000
