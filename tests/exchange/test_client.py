"""Opening clients per target, credentials per capability, and the read-only guarantee."""

from __future__ import annotations

import inspect
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import responses

from runner.config import Credentials, resolve_target
from runner.errors import CredentialsMissing
from runner.exchange import ReadClient, TradeClient, open_read_client, open_trade_client
from runner.exchange.errors import NotSupported
from runner.exchange.transport import ReadTransport, WriteTransport
from runner.sim import facade
from runner.sim.adapter import paper_session
from tests.exchange.conftest import DOC_CREDS, envelope
from tests.exchange.full_fake import FULL_BACKEND

KEY_ONLY = Credentials(DOC_CREDS.key, "", "")
# Every write method name of the trade client starts with one of these.
WRITE_PREFIXES = (
    "post",
    "submit_",
    "cancel_",
    "modify_",
    "set_",
    "transfer",
    "claim",
    "main_to_sub",
    "sub_to_main",
)


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def test_read_client_cannot_post() -> None:
    names = _public(ReadClient)
    assert not [n for n in names if n.startswith(WRITE_PREFIXES)]
    writes = _public(TradeClient) - names
    assert writes and all(n.startswith(WRITE_PREFIXES) for n in writes)
    assert _public(ReadTransport) == {
        "get",
        "sync_clock",
        "close",
        "target",
        "clock_offset_ms",
        "now_ms",
        "free_now",  # what the limiter admits now: it reads a counter and sends nothing
    }
    # Nothing reachable through a public attribute is an HTTP session or a POST-capable transport.
    for name in names:
        member = inspect.getattr_static(ReadClient, name)
        assert not isinstance(member, requests.Session | WriteTransport)


def test_opened_read_client_holds_a_get_only_transport(
    mocked: responses.RequestsMock,
) -> None:
    with open_read_client(resolve_target("live", None), KEY_ONLY) as client:
        assert type(client) is ReadClient
        assert type(client.transport) is ReadTransport
        assert not hasattr(client.transport, "post")
        assert not hasattr(client, "post")


def test_trade_client_can_post(mocked: responses.RequestsMock) -> None:
    with open_trade_client(resolve_target("live", None), DOC_CREDS) as client:
        assert isinstance(client.transport, WriteTransport) and callable(client.post)
        with pytest.raises(ValueError, match="not a write endpoint"):
            client.post("/contract/private/assets-detail", {})
        with pytest.raises(ValueError, match="not a write endpoint"):
            client.post("/account/v1/transfer-contract-list", {})  # a read: transfer_list()


def test_reads_need_only_the_key() -> None:
    with pytest.raises(CredentialsMissing, match="missing: BITMART_API_KEY"):
        open_read_client(resolve_target("live", None), None)
    open_read_client(resolve_target("demo", None), KEY_ONLY).close()


def test_writes_need_secret_and_memo() -> None:
    with pytest.raises(CredentialsMissing) as caught:
        open_trade_client(resolve_target("live", None), KEY_ONLY)
    assert "missing: BITMART_API_SECRET, BITMART_API_MEMO" in str(caught.value)


def test_spot_wallet_host_per_target(mocked: responses.RequestsMock) -> None:
    wallet = envelope({"wallet": [{"currency": "USDT", "available": "5", "frozen": "0"}]})
    mocked.get("https://api-cloud.bitmart.com/account/v1/wallet", json=wallet)
    mocked.get("http://127.0.0.1:9/account/v1/wallet", json=wallet)
    with open_read_client(resolve_target("live", None), KEY_ONLY) as live:
        assert live.spot_wallet()[0].available == Decimal(5)
    with open_read_client(resolve_target(None, "http://127.0.0.1:9"), KEY_ONLY) as custom:
        assert custom.spot_wallet()[0].available == Decimal(5)
    with (
        open_read_client(resolve_target("demo", None), KEY_ONLY) as demo,
        pytest.raises(NotSupported, match="no spot wallet"),
    ):
        demo.spot_wallet()
    assert [c.request.url.split("?")[0] for c in mocked.calls] == [
        "https://api-cloud.bitmart.com/account/v1/wallet",
        "http://127.0.0.1:9/account/v1/wallet",
    ]


@pytest.fixture
def paper(monkeypatch: pytest.MonkeyPatch) -> None:
    """The paper exchange with a small fake backend (this module tests the client, not the
    simulator; the real backend has its own tests under tests/sim)."""
    monkeypatch.setattr(facade, "real_backend", lambda: FULL_BACKEND)


@pytest.mark.usefixtures("paper")
def test_paper_target_runs_in_process_without_credentials(
    notes: list[str], tmp_path: Path
) -> None:
    target = resolve_target("paper", None)
    with pytest.raises(ValueError, match="in-process transport"):
        open_read_client(target, None)
    http = paper_session(tmp_path / "paper.db")
    with open_trade_client(target, None, notify=notes.append, http=http) as trader:
        assert isinstance(trader, TradeClient)
        trader.submit_order("BTCUSDT", side=1, size=1, type="market", client_order_id="p1")
    http = paper_session(tmp_path / "paper.db")
    with open_read_client(target, None, http=http) as reader:
        orders = reader.open_orders()
        assert [o.client_order_id for o in orders] == ["p1"]
        assert reader.assets()[0].currency == "USDT"
    assert notes == []  # the paper exchange has no rate limits to wait for
