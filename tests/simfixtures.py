"""Fixtures that start the simulator on 127.0.0.1 (port 0) and always stop it.

Other test packages import them into their conftest::

    from tests.simfixtures import make_sim_server, sim_server  # noqa: F401

``sim_server`` is faithful (rate limits on, BitMart's published test credentials in
``server.credentials``).  ``make_sim_server(**kwargs)`` builds more servers with any ``SimServer``
keyword (``rate_limit=False``, ``db=...``, ``latency_ms=...``, ``clock=...``); all are stopped at
the end of the test.  ``sdk_client(server)`` is the official SDK pointed at a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from runner.sim.server import SimServer


@pytest.fixture
def make_sim_server() -> Iterator[Callable[..., SimServer]]:
    started: list[SimServer] = []

    def make(**kwargs: Any) -> SimServer:
        kwargs.setdefault("host", "127.0.0.1")
        kwargs.setdefault("port", 0)
        server = SimServer(**kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sim_server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    return make_sim_server()


@pytest.fixture
def sdk_client() -> Iterator[Callable[[SimServer], Any]]:
    """Factory for ``bitmart.api_contract.APIContract`` clients; their sessions are closed after."""
    from bitmart.api_contract import APIContract

    clients: list[Any] = []

    def make(server: SimServer) -> Any:
        creds = server.credentials
        # Never pass headers=: the SDK writes the auth headers into that dict (it is shared).
        client = APIContract(
            api_key=creds.key,
            secret_key=creds.secret,
            memo=creds.memo,
            url=server.url,
            timeout=(3, 10),
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.session.close()
