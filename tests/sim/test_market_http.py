"""The market over HTTP with the real backend: POST /sim/book, /sim/clock advance_ms,
/sim/funding; what a client then reads (depth, partial fills, funding rows, the exchange's time);
the new state survives restarts and paper sessions; bad control input is a clear 400."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from runner.config import PAPER_URL
from runner.sim.adapter import PAPER_CREDENTIALS, paper_session
from runner.sim.server import SimServer
from tests.sim.helpers import SUBMIT, get_keyed, post_signed

T0 = 1_700_000_000_000  # the servers here run on this fixed host clock
HOUR = 3600 * 1000
BOUNDARY = 1_700_006_400_000  # the first 8-hour funding boundary after T0
BOOK = {"symbol": "BTCUSDT", "bids": [["64990", "5"], ["64980", 10]], "asks": [["65010", 3]]}
OPEN = {"symbol": "BTCUSDT", "side": 1, "leverage": "10", "open_type": "isolated"}


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    server = make_sim_server(clock=lambda: T0, rate_limit=False)
    server.fund("futures", "10000")
    return server


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _control(http: requests.Session, url: str, path: str, body: Any) -> requests.Response:
    return http.post(url + path, json=body, timeout=5)


def _submit(http: requests.Session, server: SimServer, **order: Any) -> dict[str, Any]:
    timestamp = T0 + server.sim.time_offset_ms()
    reply = post_signed(http, server.url, SUBMIT, order, server.credentials, timestamp=timestamp)
    return reply.json()


def _read(http: requests.Session, server: SimServer, path: str, **params: str) -> Any:
    body = get_keyed(http, server.url, "/contract/private/" + path, server.credentials, **params)
    return body.json()["data"]


def test_book_shapes_the_depth_and_the_fills(server: SimServer, http: requests.Session) -> None:
    reply = _control(http, server.url, "/sim/book", BOOK)
    assert reply.status_code == 200
    assert reply.json() == {
        "ok": True,
        "symbol": "BTCUSDT",
        "book": {"bids": [["64990", "5"], ["64980", "10"]], "asks": [["65010", "3"]]},
    }
    depth = http.get(server.url + "/contract/public/depth?symbol=BTCUSDT", timeout=5).json()
    assert depth["data"]["asks"] == [["65010", "3", "3"]]
    assert depth["data"]["bids"] == [["64990", "5", "5"], ["64980", "10", "15"]]
    placed = _submit(http, server, type="market", size=5, **OPEN)
    order_id = str(placed["data"]["order_id"])
    detail = _read(http, server, "order", symbol="BTCUSDT", order_id=order_id)
    # 3 contracts were there; the rest of the market order is cancelled
    assert (detail["state"], detail["size"], detail["deal_size"], detail["deal_avg_price"]) == (
        4,
        "5",
        "3",
        "65010",
    )
    (fill,) = _read(http, server, "trades", symbol="BTCUSDT", order_id=order_id)
    assert (fill["vol"], fill["price"], fill["exec_type"]) == ("3", "65010", "Taker")


def test_a_partly_filled_limit_is_open_with_its_fills(
    server: SimServer, http: requests.Session
) -> None:
    _control(http, server.url, "/sim/book", BOOK)
    placed = _submit(http, server, type="limit", price="65010", size=8, **OPEN)
    order_id = str(placed["data"]["order_id"])
    (row,) = _read(
        http, server, "get-open-orders", symbol="BTCUSDT", order_state="partially_filled"
    )
    assert (row["order_id"], row["state"], row["size"], row["deal_size"]) == (order_id, 2, "8", "3")
    (position,) = [
        p
        for p in _read(http, server, "position-v2", symbol="BTCUSDT")
        if p["position_side"] == "long"
    ]
    assert position["current_amount"] == "3"
    state = http.get(server.url + "/sim/state", timeout=5).json()
    (mine,) = [o for o in state["orders"] if o["order_id"] == order_id]
    assert (mine["state"], mine["filled"], mine["remaining"]) == ("working", 3, 5)
    assert state["books"]["BTCUSDT"]["asks"] == []


def test_advancing_the_clock_settles_funding_and_moves_the_exchange_time(
    server: SimServer, http: requests.Session
) -> None:
    assert _submit(http, server, type="market", size=10, **OPEN)["code"] == 1000
    assert _control(
        http, server.url, "/sim/funding", {"symbol": "BTCUSDT", "rate": "0.0003"}
    ).json() == {
        "ok": True,
        "symbol": "BTCUSDT",
        "rate": "0.0003",
    }
    reply = _control(http, server.url, "/sim/clock", {"advance_ms": 8 * HOUR}).json()
    # 10 * 0.001 * 65000 = 650 at the mark; * 0.0003 = 0.195 paid by the long
    assert reply == {
        "ok": True,
        "advanced_ms": 8 * HOUR,
        "funding": [
            {
                "symbol": "BTCUSDT",
                "side": "long",
                "time": BOUNDARY,
                "rate": "0.0003",
                "amount": "-0.195",
            }
        ],
        "skew_ms": 0,
        "time_offset_ms": 8 * HOUR,
        "server_time": T0 + 8 * HOUR,
    }
    assert http.get(server.url + "/system/time", timeout=5).json()["data"]["server_time"] == (
        T0 + 8 * HOUR
    )
    (row,) = _read(http, server, "transaction-history", flow_type="3")
    assert (row["type"], row["amount"], row["time"], row["flow_type"]) == (
        "Funding Fee",
        "-0.195",
        str(BOUNDARY),
        3,
    )
    state = http.get(server.url + "/sim/state", timeout=5).json()
    assert (state["time"], state["time_offset_ms"], state["server_time"]) == (
        T0 + 8 * HOUR,
        8 * HOUR,
        T0 + 8 * HOUR,
    )
    assert state["funding"]["rates"]["BTCUSDT"] == "0.0003"
    assert state["funding"]["next_time"] == BOUNDARY + 8 * HOUR


def test_a_client_on_the_old_clock_gets_30007_until_it_syncs(
    server: SimServer, http: requests.Session
) -> None:
    _control(http, server.url, "/sim/clock", {"advance_ms": 8 * HOUR})
    order = {"type": "market", "size": 1, **OPEN}
    stale = post_signed(http, server.url, SUBMIT, order, server.credentials, timestamp=T0)
    assert (stale.status_code, stale.json()["code"]) == (401, 30007)
    synced = http.get(server.url + "/system/time", timeout=5).json()["data"]["server_time"]
    fresh = post_signed(http, server.url, SUBMIT, order, server.credentials, timestamp=synced)
    assert fresh.json()["code"] == 1000


def test_skew_still_works_and_keeps_the_advance(server: SimServer, http: requests.Session) -> None:
    _control(http, server.url, "/sim/clock", {"advance_ms": HOUR})
    reply = _control(http, server.url, "/sim/clock", {"skew_ms": -5000}).json()
    assert (reply["skew_ms"], reply["time_offset_ms"], reply["server_time"]) == (
        -5000,
        HOUR,
        T0 + HOUR - 5000,
    )
    assert "advanced_ms" not in reply


def test_clearing_a_book(server: SimServer, http: requests.Session) -> None:
    _control(http, server.url, "/sim/book", BOOK)
    reply = _control(http, server.url, "/sim/book", {"symbol": "BTCUSDT", "clear": True})
    assert reply.json() == {"ok": True, "symbol": "BTCUSDT", "book": None}
    assert http.get(server.url + "/sim/state", timeout=5).json()["books"] == {}


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/sim/book", {"bids": [], "asks": []}, "'symbol' is required"),
        ("/sim/book", {"symbol": "BTCUSDT"}, "'bids' and/or 'asks'"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": "64990:5"}, "list of [price, size]"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["64990"]]}, "[price, size] pair"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [{"price": "1"}]}, "[price, size] pair"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["64990", "-5"]]}, "positive whole"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["64990", 0]]}, "positive whole"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["64990", "1.5"]]}, "whole number"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["64990", True]]}, "whole number"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["-1", 5]]}, "greater than zero"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["abc", 5]]}, "decimal number"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["NaN", 5]]}, "finite"),
        ("/sim/book", {"symbol": "BTCUSDT", "bids": [["64990.05", 5]]}, "tick"),
        ("/sim/book", {**BOOK, "bids": [["65010", 1]]}, "crossed book"),
        ("/sim/book", {**BOOK, "bids": [["65100", 1]]}, "crossed book"),
        ("/sim/book", {"symbol": "DOGEUSDT", "bids": [["1", 1]]}, "Symbol is not exist"),
        ("/sim/book", {**BOOK, "clear": True}, "not both"),
        ("/sim/book", {"symbol": "BTCUSDT", "clear": "yes"}, "true or false"),
        ("/sim/clock", {}, "'advance_ms'"),
        ("/sim/clock", {"advance_ms": "8h"}, "integer number of milliseconds"),
        ("/sim/clock", {"advance_ms": 1.5}, "integer number of milliseconds"),
        ("/sim/clock", {"advance_ms": True}, "integer number of milliseconds"),
        ("/sim/clock", {"advance_ms": -1000}, "only moves forward"),
        ("/sim/clock", {"advance_ms": 0}, "only moves forward"),
        ("/sim/clock", {"advance_ms": 400 * 24 * HOUR}, "a year"),
        ("/sim/funding", {"symbol": "BTCUSDT"}, "'rate' is required"),
        ("/sim/funding", {"symbol": "BTCUSDT", "rate": "abc"}, "decimal number"),
        ("/sim/funding", {"symbol": "BTCUSDT", "rate": "0.5"}, "within"),
        ("/sim/funding", {"symbol": "DOGEUSDT", "rate": "0.0001"}, "unknown symbol"),
    ],
)
def test_bad_market_control_input_is_a_clear_400(
    server: SimServer, http: requests.Session, path: str, body: dict[str, Any], says: str
) -> None:
    before = server.state()
    response = _control(http, server.url, path, body)
    assert response.status_code == 400
    assert says in response.json()["error"]
    assert "Traceback" not in response.text
    after = server.state()
    assert (after["books"], after["time_offset_ms"]) == (before["books"], before["time_offset_ms"])


@pytest.mark.parametrize("path", ["/sim/book", "/sim/clock", "/sim/funding"])
def test_non_json_bodies_are_400(server: SimServer, http: requests.Session, path: str) -> None:
    for body in (b"{nope", b"[1, 2]", b'"text"'):
        response = http.post(server.url + path, data=body, timeout=5)
        assert response.status_code == 400
        assert "JSON object" in response.json()["error"]


def test_books_clock_and_funding_survive_a_restart(
    tmp_path: Path, make_sim_server: Callable[..., SimServer]
) -> None:
    db = tmp_path / "sim.sqlite3"
    first = make_sim_server(db=db, clock=lambda: T0)
    first.set_book("BTCUSDT", [("64990", 5)], [("65010", 3)])
    first.set_funding_rate("BTCUSDT", "-0.0001")
    first.advance_clock(HOUR)
    first.stop()
    second = make_sim_server(db=db, clock=lambda: T0)
    state = second.state()
    assert state["books"]["BTCUSDT"] == {"bids": [["64990", "5"]], "asks": [["65010", "3"]]}
    assert (state["time"], state["server_time"]) == (T0 + HOUR, T0 + HOUR)
    assert state["funding"]["rates"]["BTCUSDT"] == "-0.0001"


def test_the_paper_exchange_keeps_its_book_and_clock_between_sessions(tmp_path: Path) -> None:
    db = tmp_path / "paper.sqlite3"
    with paper_session(db) as first:
        assert first.post(PAPER_URL + "/sim/book", json=BOOK, timeout=5).status_code == 200
        moved = first.post(PAPER_URL + "/sim/clock", json={"advance_ms": 8 * HOUR}, timeout=5)
        assert moved.json()["time_offset_ms"] == 8 * HOUR
    with paper_session(db) as second:
        server_time = second.get(PAPER_URL + "/system/time", timeout=5).json()["data"][
            "server_time"
        ]
        depth = second.get(PAPER_URL + "/contract/public/depth?symbol=BTCUSDT", timeout=5).json()
        state = json.loads(second.get(PAPER_URL + "/sim/state", timeout=5).content)
    assert abs(server_time - (state["time"])) < 60_000
    assert state["time_offset_ms"] == 8 * HOUR
    assert depth["data"]["asks"] == [["65010", "3", "3"]]
    assert Decimal(state["balances"]["spot"]) == Decimal("10000")
    assert PAPER_CREDENTIALS.key  # paper's public credentials are what paper accepts


def test_spot_pairs_are_listed_empty_so_a_client_loading_every_market_gets_the_contracts(
    server: SimServer, http: requests.Session
) -> None:
    # ccxt's load_markets reads spot pairs and contracts together; a 404 for the spot half
    # failed the whole load, although the simulator trades contracts only
    reply = http.get(server.url + "/spot/v1/symbols/details", timeout=5)
    assert reply.status_code == 200
    assert reply.json()["code"] == 1000 and reply.json()["data"] == {"symbols": []}
    currencies = http.get(server.url + "/account/v1/currencies", timeout=5)
    assert currencies.json()["code"] == 1000 and currencies.json()["data"] == {"currencies": []}
    # an unknown spot path is still not found
    missing = http.post(server.url + "/spot/v1/transfer-contract", json={}, timeout=5)
    assert missing.status_code == 404 and missing.json()["code"] == 30000
