"""`--notify`: delivered through apprise's JSON target to a local HTTP server, never a secret."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import runner.session
from runner import cli
from runner.errors import ExitCode
from runner.exchange import RetryPolicy
from runner.notify import closed_since, notify_urls, shown_url

REPO = Path(__file__).resolve().parent.parent
BTC_LONG = REPO / "plans" / "examples" / "btc-long.yaml"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.status = 200


@pytest.fixture(autouse=True)
def _instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner.session, "retry_policy", lambda: RetryPolicy(sleep=lambda _: None))


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, str]]:
    box = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            box.messages.append(json.loads(self.rfile.read(length)))
            box.paths.append(self.path)
            self.send_response(box.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box, f"json://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_urls_come_from_options_or_the_environment() -> None:
    assert notify_urls(["json://a/x", "tgram://t/c"], {}) == ["json://a/x", "tgram://t/c"]
    env = {"BITMART_RUNNER_NOTIFY": "json://a/x, slack://t/a/b  mailto://u:p@h?to=a@x,b@y"}
    assert notify_urls([], env) == ["json://a/x", "slack://t/a/b", "mailto://u:p@h?to=a@x,b@y"]
    assert notify_urls(["json://only"], env) == ["json://only"]
    assert notify_urls([], {}) == []
    assert shown_url("slack://TOKEN/A/B") == "slack://…"


def test_closed_since_lists_smaller_and_vanished_positions() -> None:
    before = {"BTCUSDT long": Decimal(10), "ETHUSDT short": Decimal(5), "X long": Decimal(1)}
    now = {"BTCUSDT long": Decimal(4), "X long": Decimal(2)}
    assert [str(c) for c in closed_since(before, now)] == [
        "BTCUSDT long: 10 -> 4 contracts",
        "ETHUSDT short: 5 -> 0 contracts",
    ]


def test_applied_changes_are_notified_with_a_summary_and_the_report(
    inbox: tuple[Inbox, str], capsys: pytest.CaptureFixture[str]
) -> None:
    box, url = inbox
    assert cli.run(["apply", str(BTC_LONG), "--yes", "--notify", url]) == ExitCode.OK
    (sent,) = box.messages
    assert box.paths == ["/hook"]
    assert sent["title"] == f"bitmart-runner apply {BTC_LONG} on paper: applied 2 changes"
    assert sent["type"] == "success"
    assert "open long 10 BTCUSDT" in sent["message"]
    assert "Not financial advice" in sent["message"]
    assert "open long 10 BTCUSDT" in capsys.readouterr().out  # still printed as usual

    # the second run changes nothing: nothing to tell
    assert cli.run(["apply", str(BTC_LONG), "--yes", "--notify", url]) == ExitCode.OK
    assert len(box.messages) == 1


def test_a_failure_is_notified_and_keeps_its_exit_code(
    inbox: tuple[Inbox, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, url = inbox
    monkeypatch.setenv("BITMART_RUNNER_NOTIFY", url)
    for name in ("KEY", "SECRET", "MEMO"):
        monkeypatch.setenv(f"BITMART_API_{name}", f"test-{name.lower()}-value")
    code = cli.run(["apply", str(BTC_LONG), "--base-url", "http://127.0.0.1:9", "--yes"])
    assert code == ExitCode.EXCHANGE
    (sent,) = box.messages
    assert sent["title"] == (
        f"bitmart-runner apply {BTC_LONG} on http://127.0.0.1:9: "
        "FAILED (exit 6: exchange, network or credential error)"
    )
    assert sent["type"] == "failure"
    assert "error: network error" in sent["message"]


def test_a_position_closed_since_the_last_run_is_notified_by_status(
    inbox: tuple[Inbox, str],
) -> None:
    box, url = inbox
    assert cli.run(["apply", str(BTC_LONG), "--yes", "--notify", url]) == ExitCode.OK
    assert cli.run(["status", "--notify", url]) == ExitCode.OK
    assert len(box.messages) == 1  # applied; status saw nothing new
    # the stop-loss (-3% of 65000 = 63050, mark) fires on the paper exchange
    assert cli.run(["sim", "price", "BTCUSDT", "62000", "--mark", "62000"]) == ExitCode.OK
    assert cli.run(["status", "--notify", url]) == ExitCode.OK
    sent = box.messages[-1]
    assert (
        sent["title"] == "bitmart-runner status on paper: 1 position(s) closed since the last run"
    )
    assert sent["type"] == "warning"
    assert "BTCUSDT long: 10 -> 0 contracts" in sent["message"]
    assert cli.run(["status", "--notify", url]) == ExitCode.OK
    assert len(box.messages) == 2  # told once


def test_secrets_never_leave_and_a_memo_word_survives_in_host_names(
    inbox: tuple[Inbox, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box, url = inbox
    key, secret, memo = "AKEY0123456789ABCDEFTAIL", "SECRET-0123456789abcdef", "cloud"
    monkeypatch.setenv("BITMART_API_KEY", key)
    monkeypatch.setenv("BITMART_API_SECRET", secret)
    monkeypatch.setenv("BITMART_API_MEMO", memo)
    # a server that echoes the secrets back in an error: the runner must blank them
    code = cli.run(
        [
            "status",
            "--base-url",
            "http://127.0.0.1:9/cloud/SECRET-0123456789abcdef/x",
            "--notify",
            url,
        ]
    )
    assert code == ExitCode.EXCHANGE
    (sent,) = box.messages
    text = json.dumps(sent)
    assert secret not in text and key not in text
    assert sent["title"].startswith("bitmart-runner status on http://127.0.0.1:9/***/***/x: FAILED")
    assert "url: /***/***/x/contract/private/" in sent["message"]


def test_missing_apprise_is_a_usage_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise -> ImportError
    assert cli.run(["status", "--notify", "json://127.0.0.1:9/x"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "--notify needs apprise" in err and 'pip install "bitmart-runner[notify]"' in err


def test_an_unknown_url_is_a_usage_error_without_its_tokens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.run(["status", "--notify", "nosuchservice://TOKEN123/x"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "nosuchservice://…" in err and "TOKEN123" not in err


def test_an_undeliverable_notification_warns_and_keeps_the_exit_code(
    inbox: tuple[Inbox, str], capsys: pytest.CaptureFixture[str]
) -> None:
    box, url = inbox
    box.status = 500
    assert cli.run(["apply", str(BTC_LONG), "--yes", "--notify", url]) == ExitCode.OK
    assert len(box.messages) == 1
    assert "warning: the notification could not be delivered (json://…)" in capsys.readouterr().err
