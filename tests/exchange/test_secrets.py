"""The secret, the memo and the signature never appear in a log line or an exception; the key
only masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests
import responses

from runner.config import Credentials, resolve_target
from runner.exchange import RetryPolicy, TradeClient, open_trade_client
from runner.exchange import errors as e
from tests.exchange.conftest import LIVE, envelope

KEY = "AKEY0123456789abcdefKEYTAIL"
SECRET = "s3cr3t-VALUE-that-must-never-leak-0000"
MEMO = "memo-private-XYZ"
CREDS = Credentials(KEY, SECRET, MEMO)


@pytest.fixture
def client(mocked: responses.RequestsMock, policy: RetryPolicy) -> Iterator[TradeClient]:
    with open_trade_client(resolve_target("live", None), CREDS, retry=policy) as trader:
        yield trader


def _exercise(mocked: responses.RequestsMock, client: TradeClient) -> list[BaseException]:
    submit = f"{LIVE}/contract/private/submit-order"
    mocked.get(f"{LIVE}/contract/private/assets-detail", json=envelope([]))
    mocked.post(submit, json=envelope({"order_id": 1, "price": "1"}))
    mocked.post(submit, status=401, json=envelope(code=30005, message=f"bad sign for {MEMO}"))
    mocked.post(submit, body=requests.ConnectionError(f"reset while sending {SECRET}"))
    mocked.post(submit, status=500, body=f"<html>{SECRET}</html>", content_type="text/html")
    client.assets()
    client.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="c1")
    raised: list[BaseException] = []
    for _ in range(3):
        try:
            client.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="c2")
        except e.ExchangeError as exc:
            raised.append(exc)
    return raised


def test_no_secret_in_logs_or_errors(
    mocked: responses.RequestsMock, client: TradeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    raised = _exercise(mocked, client)
    assert [type(x) for x in raised] == [e.SignatureRejected, e.OutcomeUnknown, e.OutcomeUnknown]
    signatures = [
        c.request.headers["X-BM-SIGN"] for c in mocked.calls if c.request.method == "POST"
    ]
    texts = [caplog.text] + [str(x) for x in raised] + [repr(x) for x in raised]
    texts += [repr(client), repr(client.transport)]
    for text in texts:
        for hidden in (SECRET, MEMO, *signatures):
            assert hidden not in text
    assert "AKEY0...TAIL" in caplog.text  # the key appears, masked
    assert KEY not in caplog.text
    assert "***" in str(raised[0])  # the memo echoed back by the server was blanked


def test_debug_log_shows_method_path_code_and_trace(
    mocked: responses.RequestsMock, client: TradeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="runner.exchange")
    mocked.get(f"{LIVE}/contract/private/assets-detail", json=envelope([]))
    client.assets()
    records = [r.getMessage() for r in caplog.records if r.name == "runner.exchange"]
    assert any(
        "GET /contract/private/assets-detail" in m and "1000" in m and "trace-1" in m
        for m in records
    )
