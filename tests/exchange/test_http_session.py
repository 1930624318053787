"""The client's session: proxies and CA bundle from the environment as requests reads them, once
per host; never a ``.netrc`` password in an Authorization header."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import requests

from runner.exchange.transport import new_session

SEEN: list[tuple[str, str | None]] = []  # (request line path, Authorization header)


class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        SEEN.append((self.path, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    SEEN.clear()
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def clean_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


def test_a_netrc_password_is_never_sent(
    recorder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_proxies: None
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    requests.Session().get(recorder + "/plain", timeout=5)  # requests alone would send it
    new_session().get(recorder + "/ours", timeout=5)
    assert SEEN[0][1] is not None and SEEN[0][1].startswith("Basic ")
    assert SEEN[1] == ("/ours", None)


def test_a_proxy_from_the_environment_carries_the_requests(
    recorder: str, monkeypatch: pytest.MonkeyPatch, clean_proxies: None
) -> None:
    monkeypatch.setenv("HTTP_PROXY", recorder)
    # the proxy is on loopback; the host behind it is never resolved here
    new_session().get("http://exchange.invalid/contract/public/details", timeout=5)
    assert SEEN == [("http://exchange.invalid/contract/public/details", None)]


def test_no_proxy_and_the_ca_bundle_are_honoured(
    monkeypatch: pytest.MonkeyPatch, clean_proxies: None
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem")
    session, plain = new_session(), requests.Session()
    proxied = session.merge_environment_settings("https://api.invalid/x", {}, None, None, None)
    assert proxied["proxies"]["https"] == "http://proxy.invalid:3128"
    assert proxied["verify"] == "/etc/company-ca.pem"
    direct = session.merge_environment_settings("https://direct.invalid/x", {}, None, None, None)
    assert "https" not in direct["proxies"]
    for url in ("https://api.invalid/x", "https://direct.invalid/x"):  # as requests has it
        ours = session.merge_environment_settings(url, {}, None, None, None)
        assert ours == plain.merge_environment_settings(url, {}, None, None, None)
    # a request's own settings still win, as with requests
    own = session.merge_environment_settings(
        "https://api.invalid/x", {"https": "http://mine.invalid:1"}, None, False, None
    )
    assert own["proxies"]["https"] == "http://mine.invalid:1" and own["verify"] is False


def test_the_environment_is_read_once_per_host(
    monkeypatch: pytest.MonkeyPatch, clean_proxies: None
) -> None:
    session = new_session()
    first = session.merge_environment_settings("https://api.invalid/a", {}, None, None, None)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    again = session.merge_environment_settings("https://api.invalid/b", {}, None, None, None)
    other = session.merge_environment_settings("https://other.invalid/b", {}, None, None, None)
    assert "https" not in first["proxies"] and first["proxies"] == again["proxies"]
    assert other["proxies"]["https"] == "http://proxy.invalid:3128"
