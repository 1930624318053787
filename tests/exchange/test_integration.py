"""The client against the simulator over real HTTP on 127.0.0.1 (stand-in engine).

Server and client share one fake clock, so the server's rate-limit windows and timestamp checks
move with the client's (fake) waits and nothing depends on the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from runner.config import Credentials, resolve_target
from runner.exchange import RetryPolicy, TradeClient, open_read_client, open_trade_client
from runner.exchange import errors as e
from runner.sim.server import SimServer
from tests.exchange.conftest import FakeTime
from tests.exchange.full_fake import FULL_BACKEND

SUBMIT = "/contract/private/submit-order"


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer], fake_time: FakeTime) -> SimServer:
    return make_sim_server(backend=FULL_BACKEND, clock=fake_time.wall_ms)


def _creds(server: SimServer) -> Credentials:
    c = server.credentials
    return Credentials(c.key, c.secret, c.memo)


@pytest.fixture
def client(server: SimServer, policy: RetryPolicy, notes: list[str]) -> Iterator[TradeClient]:
    target = resolve_target(None, server.url)
    with open_trade_client(target, _creds(server), notify=notes.append, retry=policy) as trader:
        yield trader


def _paths(server: SimServer) -> list[tuple[str, str, int | None]]:
    return [(x.method, x.path, x.code) for x in server.request_log()]


def test_reads_and_a_write(server: SimServer, client: TradeClient, fake_time: FakeTime) -> None:
    server.fund("futures", "250.5")
    assert client.system_time_ms() == fake_time.wall
    (usdt,) = client.assets()
    assert usdt.available == Decimal("250.5") and isinstance(usdt.equity, Decimal)
    done = client.submit_order("BTCUSDT", side=1, size=2, type="market", client_order_id="a1")
    assert done.order_id == "1000" and done.price == "market price"
    assert [o.client_order_id for o in client.open_orders()] == ["a1"]
    with pytest.raises(e.DuplicateClientOrderId) as caught:
        client.submit_order("BTCUSDT", side=1, size=2, type="market", client_order_id="a1")
    assert caught.value.code == 40050 and caught.value.trace
    assert [(w.path, w.code) for w in server.writes()] == [(SUBMIT, 1000), (SUBMIT, 40050)]


def test_incomplete_rows_are_a_protocol_error_not_a_keyerror(
    make_sim_server: Callable[..., SimServer], policy: RetryPolicy
) -> None:
    from tests.sim.fake_backend import FAKE_BACKEND  # its asset rows carry one balance only

    minimal = make_sim_server(backend=FAKE_BACKEND, rate_limit=False)
    with (
        open_read_client(resolve_target(None, minimal.url), _creds(minimal)) as reader,
        pytest.raises(e.ProtocolError, match="'frozen_balance' is missing"),
    ):
        reader.assets()


def test_500_on_submit_is_outcome_unknown_and_sent_once(
    server: SimServer, client: TradeClient
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "http_500", "count": 1}])
    with pytest.raises(e.OutcomeUnknown) as caught:
        client.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="b1")
    assert caught.value.client_order_id == "b1"
    assert [p for p in _paths(server) if p[1] == SUBMIT] == [("POST", SUBMIT, None)]


@pytest.mark.parametrize("fault", ["drop_after_commit", "drop_before_commit"])
def test_cut_connection_on_submit_is_outcome_unknown(
    server: SimServer, client: TradeClient, fault: str
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": fault, "count": 1}])
    with pytest.raises(e.OutcomeUnknown):
        client.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="c1")
    assert len([p for p in _paths(server) if p[1] == SUBMIT]) == 1
    placed = [o["client_order_id"] for o in server.state()["orders"]]
    assert placed == (["c1"] if fault == "drop_after_commit" else [])


def test_clock_skew_is_measured_and_the_write_resent(
    server: SimServer, client: TradeClient
) -> None:
    server.set_clock_skew(120_000)
    client.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="d1")
    assert _paths(server) == [
        ("POST", SUBMIT, 30007),
        ("GET", "/system/time", 1000),
        ("POST", SUBMIT, 1000),
    ]
    assert client.clock_offset_ms == 120_000
    assert [o["client_order_id"] for o in server.state()["orders"]] == ["d1"]


def test_429_on_a_write_is_waited_out_and_resent(
    server: SimServer, client: TradeClient, fake_time: FakeTime
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "http_429", "count": 1}])
    client.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="f1")
    assert [p for p in _paths(server) if p[1] == SUBMIT] == [
        ("POST", SUBMIT, 30013),
        ("POST", SUBMIT, 1000),
    ]
    assert fake_time.sleeps  # waited before re-sending
    assert [o["client_order_id"] for o in server.state()["orders"]] == ["f1"]


def test_cloudflare_on_a_read_is_retried(
    server: SimServer, client: TradeClient, fake_time: FakeTime
) -> None:
    path = "/contract/private/position-v2"
    server.set_faults([{"path": path, "fault": "cloudflare_403", "count": 2}])
    assert client.positions_v2() == []
    assert fake_time.sleeps == [30.0, 60.0]
    assert [p[1] for p in _paths(server)].count(path) == 3


def test_client_limiter_keeps_inside_the_servers_limits(
    server: SimServer, client: TradeClient, fake_time: FakeTime, notes: list[str]
) -> None:
    for _ in range(13):
        client.positions_v2()  # 6 per 2 s on the server as on the exchange
    codes = [p[2] for p in _paths(server)]
    assert codes == [1000] * 13  # never a 429
    assert fake_time.sleeps and notes
