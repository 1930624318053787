"""Concurrent clients: latency overlaps (outside the engine lock) and state stays consistent."""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests

from runner.sim.server import SimServer
from tests.sim.fake_engine import FAKE_ENGINE
from tests.sim.helpers import ASSETS, get_keyed

# A deadlock detector, not a performance threshold: generous on any machine.
DEADLOCK_TIMEOUT_S = 30


def test_latency_sleeps_overlap(make_sim_server: Callable[..., SimServer]) -> None:
    """Two requests must be inside their latency sleep at the same time (a barrier of two).

    If the sleep were taken while holding the engine lock, the second request could not reach
    the barrier, the barrier would break, and the requests would fail.
    """
    barrier = threading.Barrier(2)

    def sleep(seconds: float) -> None:
        assert seconds == 0.5
        barrier.wait(timeout=DEADLOCK_TIMEOUT_S)

    server = make_sim_server(engine=FAKE_ENGINE, latency_ms=500, sleep=sleep)
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
    server = make_sim_server(engine=FAKE_ENGINE, latency_ms=250, sleep=slept.append)
    with requests.Session() as http:
        http.get(server.url + "/sim/state", timeout=10)
        assert slept == []
        get_keyed(http, server.url, ASSETS, server.credentials)
    assert slept == [0.25]
