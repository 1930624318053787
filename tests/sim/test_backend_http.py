"""The real backend behind the transports: 8 concurrent HTTP clients, and the paper session
(SQLite between sessions)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import requests

from runner.config import PAPER_URL
from runner.sim.adapter import PAPER_CREDENTIALS, paper_session
from runner.sim.server import SimServer
from tests.sim.helpers import ASSETS, SUBMIT, TRANSFER, get_keyed, post_signed

D = Decimal
THREADS, ORDERS_EACH = 8, 12


def test_eight_threads_of_orders_leave_a_consistent_account(
    make_sim_server: Callable[..., SimServer],
) -> None:
    server = make_sim_server(rate_limit=False)
    server.fund("futures", "100000")
    accepted: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def trade(worker: int) -> None:
        with requests.Session() as http:
            start.wait(timeout=30)
            for n in range(ORDERS_EACH):
                order = {
                    "symbol": "BTCUSDT",
                    # even workers buy, odd ones sell: opens on both sides in hedge mode
                    "side": 1 if worker % 2 == 0 else 4,
                    "type": "market" if n % 3 else "limit",
                    "price": "64000" if worker % 2 == 0 else "66000",
                    "size": 1 + n % 3,
                    "leverage": "10",
                    "open_type": "isolated",
                    "client_order_id": f"w{worker}n{n}",
                }
                body = post_signed(http, server.url, SUBMIT, order, server.credentials).json()
                if body["code"] == 1000:
                    with lock:
                        accepted.append(order["client_order_id"])

    threads = [threading.Thread(target=trade, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    state = server.state()
    recorded = [o["client_order_id"] for o in state["orders"]]
    assert len(accepted) == THREADS * ORDERS_EACH
    assert sorted(recorded) == sorted(accepted)  # every order recorded exactly once
    assert len({o["order_id"] for o in state["orders"]}) == len(recorded)
    filled = [o for o in state["orders"] if o["state"] == "filled"]
    longs = sum(o["filled"] for o in filled if o["side"] == 1)
    shorts = sum(o["filled"] for o in filled if o["side"] == 4)
    sizes = {p["side"]: p["size"] for p in state["positions"]}
    assert (sizes.get("long", 0), sizes.get("short", 0)) == (longs, shorts)
    futures = state["balances"]["futures"]
    parts = D(futures["available"]) + D(futures["frozen"]) + D(futures["position_margin"])
    assert D(futures["wallet"]) == parts
    fees = sum(D(o["filled"]) * D("0.001") * D(o["avg_price"]) * D("0.0006") for o in filled)
    assert D(futures["wallet"]) == D("100000") - fees


def test_paper_session_keeps_the_account_between_sessions(tmp_path: Path) -> None:
    db = tmp_path / "paper.sqlite3"
    transfer = {"currency": "USDT", "amount": "300", "type": "spot_to_contract"}
    order = {
        "symbol": "ETHUSDT",
        "side": 1,
        "type": "market",
        "size": 10,
        "leverage": "5",
        "open_type": "cross",
        "client_order_id": "paper1",
    }
    with paper_session(db) as first:
        assert (
            post_signed(first, PAPER_URL, TRANSFER, transfer, PAPER_CREDENTIALS).json()["code"]
            == 1000
        )
        assert (
            post_signed(first, PAPER_URL, SUBMIT, order, PAPER_CREDENTIALS).json()["code"] == 1000
        )
    with paper_session(db) as second:
        (usdt, *_) = get_keyed(second, PAPER_URL, ASSETS, PAPER_CREDENTIALS).json()["data"]
        again = post_signed(second, PAPER_URL, SUBMIT, order, PAPER_CREDENTIALS).json()
    # 10 * 0.01 ETH * 3200 = 320 notional: margin 64 at 5x, fee 0.192
    assert (usdt["position_deposit"], usdt["available_balance"]) == ("64", "235.808")
    assert again["code"] == 40050  # the client order id survived the restart
