"""Concurrent clients: latency overlaps (outside the backend lock) and state stays consistent."""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests

from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND
from tests.sim.helpers import ASSETS, SUBMIT, get_keyed, post_signed

# A deadlock detector, not a performance threshold: generous on any machine.
DEADLOCK_TIMEOUT_S = 30


def test_latency_sleeps_overlap(make_sim_server: Callable[..., SimServer]) -> None:
    """Two requests must be inside their latency sleep at the same time (a barrier of two).

    If the sleep were taken while holding the backend lock, the second request could not reach
    the barrier, the barrier would break, and the requests would fail.
    """
    barrier = threading.Barrier(2)

    def sleep(seconds: float) -> None:
        assert seconds == 0.5
        barrier.wait(timeout=DEADLOCK_TIMEOUT_S)

    server = make_sim_server(backend=FAKE_BACKEND, latency_ms=500, sleep=sleep)
    codes: list[int] = []

    def call() -> None:
        with requests.Session() as http:
            codes.append(get_keyed(http, server.url, ASSETS, server.credentials).json()["code"])

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [1000, 1000]
    assert not barrier.broken


def test_control_endpoints_skip_latency(make_sim_server: Callable[..., SimServer]) -> None:
    slept: list[float] = []
    server = make_sim_server(backend=FAKE_BACKEND, latency_ms=250, sleep=slept.append)
    with requests.Session() as http:
        http.get(server.url + "/sim/state", timeout=10)
        assert slept == []
        get_keyed(http, server.url, ASSETS, server.credentials)
    assert slept == [0.25]


def test_eight_threads_of_orders_are_each_recorded_once(
    make_sim_server: Callable[..., SimServer],
) -> None:
    server = make_sim_server(backend=FAKE_BACKEND, rate_limit=False)
    accepted: list[str] = []
    lock = threading.Lock()

    def submit(worker: int) -> None:
        with requests.Session() as http:
            for n in range(25):
                client_id = f"w{worker}n{n}"
                order = {
                    "symbol": "BTCUSDT",
                    "side": 1,
                    "type": "market",
                    "size": 1,
                    "client_order_id": client_id,
                }
                response = post_signed(http, server.url, SUBMIT, order, server.credentials)
                if response.json()["code"] == 1000:
                    with lock:
                        accepted.append(client_id)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorded = [order["client_order_id"] for order in server.state()["orders"]]
    assert len(accepted) == 200
    assert sorted(recorded) == sorted(accepted)
    assert len(set(recorded)) == len(recorded)
    # Order ids are unique too: no two requests interleaved inside the backend.
    assert len({order["order_id"] for order in server.state()["orders"]}) == 200
    assert server.request_counts()[SUBMIT] == 200
