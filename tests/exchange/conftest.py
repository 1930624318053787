"""Fixtures for the exchange client: fake time, a live-like target behind ``responses``, clients.

Nothing here sleeps: ``FakeTime.sleep`` records the wait and advances the fake clocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from runner.config import Credentials, resolve_target
from runner.exchange import (
    ReadClient,
    RetryPolicy,
    TradeClient,
    open_read_client,
    open_trade_client,
)
from runner.exchange.limits import SHARED
from tests.fakes import FakeTime
from tests.simfixtures import make_sim_server

__all__ = ["make_sim_server"]

LIVE = "https://api-cloud-v2.bitmart.com"
SPOT = "https://api-cloud.bitmart.com"
# BitMart's published documentation credentials (facts 4.3): the signature vectors use them.
DOC_CREDS = Credentials(
    "80618e45710812162b04892c7ee5ead4a3cc3e56",
    "6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9",
    "test001",
)




@pytest.fixture(autouse=True)
def _fresh_limiter() -> Iterator[None]:
    """The limiter registry is process-wide by design; each test starts with empty windows."""
    SHARED.clear()
    yield
    SHARED.clear()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def policy(fake_time: FakeTime) -> RetryPolicy:
    return RetryPolicy(sleep=fake_time.sleep, clock=fake_time.clock, wall_ms=fake_time.wall_ms)


@pytest.fixture
def notes() -> list[str]:
    return []


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def reader(
    mocked: responses.RequestsMock, policy: RetryPolicy, notes: list[str]
) -> Iterator[ReadClient]:
    with open_read_client(
        resolve_target("live", None), DOC_CREDS, notify=notes.append, retry=policy
    ) as client:
        yield client


@pytest.fixture
def trader(
    mocked: responses.RequestsMock, policy: RetryPolicy, notes: list[str]
) -> Iterator[TradeClient]:
    with open_trade_client(
        resolve_target("live", None), DOC_CREDS, notify=notes.append, retry=policy
    ) as client:
        yield client


def envelope(data: object = None, *, code: int = 1000, message: str = "Ok") -> dict[str, object]:
    body: dict[str, object] = {"code": code, "message": message, "trace": "trace-1"}
    if data is not None:
        body["data"] = data
    return body
