"""Reads retry a bounded number of times; writes are re-sent only when provably not performed."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from runner.config import resolve_target
from runner.exchange import ReadClient, RetryPolicy, TradeClient, open_trade_client
from runner.exchange import errors as e
from runner.exchange.retries import never_sent
from tests.exchange.conftest import DOC_CREDS, LIVE, FakeTime, envelope

ASSETS = f"{LIVE}/contract/private/assets-detail"
SUBMIT = f"{LIVE}/contract/private/submit-order"
TIME = f"{LIVE}/system/time"
HTML = "<html><body>Cloudflare Ray ID</body></html>"
ORDER = {"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1, "client_order_id": "abc123"}


def _refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, "/x", reason))  # type: ignore[arg-type]


# -- reads ------------------------------------------------------------------------------------


def test_read_retries_network_errors_at_most_three_times(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime
) -> None:
    for _ in range(5):
        mocked.get(ASSETS, body=requests.ConnectionError("reset by peer"))
    with pytest.raises(e.NetworkError) as caught:
        reader.assets()
    assert len(mocked.calls) == 3
    assert fake_time.sleeps == [1.0, 2.0]
    assert caught.value.sent  # a reset is not proof the request stayed here


def test_read_recovers_after_5xx(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime
) -> None:
    mocked.get(ASSETS, status=500, body="<html>500</html>")
    mocked.get(ASSETS, status=503, json=envelope(code=30014, message="Service unavailable"))
    mocked.get(ASSETS, json=envelope([]))
    assert reader.assets() == []
    assert len(mocked.calls) == 3 and fake_time.sleeps == [1.0, 2.0]


def test_read_waits_out_cloudflare(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime, notes: list[str]
) -> None:
    mocked.get(ASSETS, status=403, body=HTML, content_type="text/html")
    mocked.get(ASSETS, status=503, body=HTML, content_type="text/html")
    mocked.get(ASSETS, json=envelope([]))
    assert reader.assets() == []
    assert fake_time.sleeps == [30.0, 60.0]
    assert len(notes) == 2 and all("Cloudflare" in note for note in notes)


def test_read_gives_up_on_cloudflare_after_three_tries(
    mocked: responses.RequestsMock, reader: ReadClient
) -> None:
    for _ in range(4):
        mocked.get(ASSETS, status=403, body=HTML, content_type="text/html")
    with pytest.raises(e.CloudflareBlocked):
        reader.assets()
    assert len(mocked.calls) == 3


def test_429_honours_the_reset_header(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime, notes: list[str]
) -> None:
    limited = envelope(code=30013, message="Request too many requests")
    headers = {
        "X-BM-RateLimit-Remaining": "12",
        "X-BM-RateLimit-Limit": "12",
        "X-BM-RateLimit-Reset": "7",
    }
    mocked.get(ASSETS, status=429, json=limited, headers=headers)
    mocked.get(ASSETS, json=envelope([]))
    assert reader.assets() == []
    assert fake_time.sleeps == [7.0]  # the announced window, not a guess
    assert any("rate limited" in note for note in notes)


def test_418_is_never_retried(mocked: responses.RequestsMock, reader: ReadClient) -> None:
    mocked.get(ASSETS, status=418, json=envelope(code=30017, message="banned"))
    with pytest.raises(e.Banned):
        reader.assets()
    assert len(mocked.calls) == 1


def test_definite_errors_are_not_retried(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime
) -> None:
    mocked.get(ASSETS, status=400, json=envelope(code=40007, message="Parse parameter error"))
    with pytest.raises(e.RequestRejected):
        reader.assets()
    assert len(mocked.calls) == 1 and fake_time.sleeps == []


# -- writes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "body": "<html>Internal Server Error</html>"},
        {"status": 500, "json": envelope(code=500, message="internal")},
        {"status": 502, "body": ""},
        {"status": 403, "body": HTML, "content_type": "text/html"},
        {"status": 200, "body": "not json"},
        {"body": requests.ReadTimeout("read timed out")},
        {"body": requests.ConnectionError("Connection aborted: RemoteDisconnected")},
        {"status": 429, "body": "<html>slow down</html>", "content_type": "text/html"},
    ],
)
def test_ambiguous_write_failure_is_outcome_unknown_and_sent_once(
    mocked: responses.RequestsMock, trader: TradeClient, failure: dict[str, object]
) -> None:
    mocked.post(SUBMIT, **failure)  # type: ignore[arg-type]
    mocked.post(SUBMIT, json=envelope({"order_id": 1, "price": "market price"}))
    with pytest.raises(e.OutcomeUnknown) as caught:
        trader.post("/contract/private/submit-order", ORDER)
    assert len(mocked.calls) == 1
    assert caught.value.client_order_id == "abc123"
    assert caught.value.path == "/contract/private/submit-order"
    assert "abc123" in str(caught.value)


def test_typed_write_failure_carries_the_client_order_id(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    mocked.post(SUBMIT, body=requests.ReadTimeout("timed out"))
    with pytest.raises(e.OutcomeUnknown) as caught:
        trader.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="cid7")
    assert caught.value.client_order_id == "cid7" and len(mocked.calls) == 1


def test_accepted_write_with_odd_reply_is_outcome_unknown(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    mocked.post(SUBMIT, json=envelope({"id": 5}))  # order_id renamed: it happened, but what?
    with pytest.raises(e.OutcomeUnknown, match="order_id"):
        trader.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="c1")
    assert len(mocked.calls) == 1


def test_json_429_write_was_not_performed_and_is_resent(
    mocked: responses.RequestsMock, trader: TradeClient, fake_time: FakeTime
) -> None:
    mocked.post(
        SUBMIT,
        status=429,
        json=envelope(code=30013, message="too many"),
        headers={"X-BM-RateLimit-Reset": "2"},
    )
    mocked.post(SUBMIT, json=envelope({"order_id": 42, "price": "market price"}))
    reply = trader.post("/contract/private/submit-order", ORDER)
    assert reply.data["order_id"] == 42
    assert len(mocked.calls) == 2 and fake_time.sleeps == [2.0]
    assert mocked.calls[0].request.body == mocked.calls[1].request.body


def test_json_429_resends_are_bounded(mocked: responses.RequestsMock, trader: TradeClient) -> None:
    for _ in range(5):
        mocked.post(SUBMIT, status=429, json=envelope(code=30013, message="too many"))
    with pytest.raises(e.RateLimited):
        trader.post("/contract/private/submit-order", ORDER)
    assert len(mocked.calls) == 3


def test_connection_never_established_is_resent(
    mocked: responses.RequestsMock, trader: TradeClient, fake_time: FakeTime
) -> None:
    mocked.post(SUBMIT, body=_refused())
    mocked.post(SUBMIT, body=requests.ConnectTimeout("connect timed out"))
    mocked.post(SUBMIT, json=envelope({"order_id": 1, "price": "market price"}))
    assert trader.post("/contract/private/submit-order", ORDER).data["order_id"] == 1
    assert len(mocked.calls) == 3 and fake_time.sleeps == [1.0, 2.0]


def test_connection_never_established_gives_up_as_not_sent(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    for _ in range(4):
        mocked.post(SUBMIT, body=_refused())
    with pytest.raises(e.NetworkError) as caught:
        trader.post("/contract/private/submit-order", ORDER)
    assert not caught.value.sent and len(mocked.calls) == 3


def test_real_refused_connection_counts_as_never_sent() -> None:
    """The classifier matches what requests raises for a real refused connect on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(requests.ConnectionError) as caught:
        requests.post(f"http://127.0.0.1:{port}/x", data=b"{}", timeout=2)
    assert never_sent(caught.value)
    assert not never_sent(requests.ConnectionError("Connection aborted"))
    assert not never_sent(requests.ReadTimeout("read"))


def test_transfer_list_is_retried_like_a_read(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    url = f"{LIVE}/account/v1/transfer-contract-list"
    mocked.post(url, status=500, body="")
    mocked.post(url, json=envelope({"records": []}))
    assert trader.transfer_list(start_ms=5) == []
    assert len(mocked.calls) == 2


# -- clock --------------------------------------------------------------------------------------

SKEW = envelope(code=30007, message="Header X-BM-TIMESTAMP range. Within a minute")


def test_30007_resyncs_the_clock_and_resends_once(
    mocked: responses.RequestsMock, trader: TradeClient, fake_time: FakeTime
) -> None:
    server_ms = fake_time.wall + 90_000  # the exchange is 90 s ahead of this machine
    mocked.post(SUBMIT, status=401, json=SKEW)
    mocked.get(TIME, json=envelope({"server_time": server_ms}))
    mocked.post(SUBMIT, json=envelope({"order_id": 9, "price": "market price"}))
    trader.post("/contract/private/submit-order", ORDER)
    methods = [call.request.method for call in mocked.calls]
    assert methods == ["POST", "GET", "POST"]
    assert trader.clock_offset_ms == 90_000
    assert mocked.calls[2].request.headers["X-BM-TIMESTAMP"] == str(server_ms)


def test_30007_twice_raises_clock_skew(mocked: responses.RequestsMock, trader: TradeClient) -> None:
    mocked.post(SUBMIT, status=401, json=SKEW)
    mocked.get(TIME, json=envelope({"server_time": 1}))
    mocked.post(SUBMIT, status=401, json=SKEW)
    with pytest.raises(e.ClockSkewError, match="clock"):
        trader.post("/contract/private/submit-order", ORDER)
    assert [c.request.method for c in mocked.calls] == ["POST", "GET", "POST"]


def test_sync_clock_at_start(mocked: responses.RequestsMock, fake_time: FakeTime) -> None:
    policy = RetryPolicy(sleep=fake_time.sleep, clock=fake_time.clock, wall_ms=fake_time.wall_ms)
    mocked.get(TIME, json=envelope({"server_time": fake_time.wall - 5_000}))
    with open_trade_client(resolve_target("live", None), DOC_CREDS, retry=policy) as client:
        assert client.sync_clock() == -5_000
        assert client.clock_offset_ms == -5_000


def test_float_prices_are_refused_before_sending(
    mocked: responses.RequestsMock, trader: TradeClient
) -> None:
    with pytest.raises(TypeError):
        trader.submit_order("BTCUSDT", side=1, size=1, price=64000.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole number"):
        trader.submit_order("BTCUSDT", side=1, size=Decimal("1.5"), type="market")
    assert len(mocked.calls) == 0


def test_a_request_requests_refuses_to_build_is_not_sent_not_retried_and_key_masked(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime
) -> None:
    damaged = requests.exceptions.InvalidHeader(
        f"Invalid return character or leading space in header: X-BM-KEY: {DOC_CREDS.key!r}"
    )
    mocked.get(ASSETS, body=damaged)
    with pytest.raises(e.NetworkError) as caught:
        reader.assets()
    assert len(mocked.calls) == 1 and fake_time.sleeps == []
    assert not caught.value.sent
    assert "was not sent" in str(caught.value)
    assert DOC_CREDS.key not in str(caught.value)
    assert DOC_CREDS.masked_key in str(caught.value)
