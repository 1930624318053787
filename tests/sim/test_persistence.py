"""State survives a restart with a database file; unusable files stop the server clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from runner.sim.errors import SimStoreError
from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND
from tests.sim.helpers import SUBMIT, post_signed

ORDER = {"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 2, "client_order_id": "keep1"}


def test_restart_with_db_keeps_state(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite3"
    with SimServer(db=db, backend=FAKE_BACKEND) as first, requests.Session() as http:
        assert post_signed(http, first.url, SUBMIT, ORDER, first.credentials).json()["code"] == 1000
        first.fund("futures", "12.5")
        first.set_price("BTCUSDT", "71000")
    with SimServer(db=db, backend=FAKE_BACKEND) as second:
        state = second.state()
    assert [o["client_order_id"] for o in state["orders"]] == ["keep1"]
    assert state["balances"]["futures"] == "12.5"
    assert state["prices"]["BTCUSDT"] == "71000"


def test_reads_do_not_rewrite_the_file(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite3"
    with SimServer(db=db, backend=FAKE_BACKEND) as server, requests.Session() as http:
        before = db.read_bytes()
        http.get(server.url + "/system/time", timeout=5)
        assert db.read_bytes() == before


def test_without_db_state_is_in_memory_only(tmp_path: Path) -> None:
    with SimServer(backend=FAKE_BACKEND) as server:
        server.fund("spot", "1")
    with SimServer(backend=FAKE_BACKEND) as server:
        assert server.state()["balances"]["spot"] == "10000"


def test_junk_db_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "junk.sqlite3"
    db.write_bytes(b"definitely not sqlite" * 50)
    with pytest.raises(SimStoreError, match=r"junk\.sqlite3"):
        SimServer(db=db, backend=FAKE_BACKEND)


def test_foreign_backend_state_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite3"
    from runner.sim.store import SimStore

    SimStore(db).save({"someone": "else"})  # a simulator file whose backend dict is foreign
    with pytest.raises(SimStoreError, match="unreadable"):
        SimServer(db=db, backend=FAKE_BACKEND)
