"""Signed requests only where they belong (issue 16, item 6): plain http only to loopback unless
--insecure; a key going to a host that is neither BitMart nor this machine gets a warning.
Nothing here opens a connection (no test may reach a non-loopback address)."""

from __future__ import annotations

import click
import pytest

from runner.config import foreign_host_warning, resolve_target
from runner.errors import ConfigError
from runner.session import INSECURE_KEY, open_session

FAR = "http://192.0.2.10:8080"  # TEST-NET-1: never routed, never contacted here


def test_plain_http_to_another_host_is_refused_without_insecure() -> None:
    with pytest.raises(ConfigError, match="plain http") as refused:
        resolve_target(None, FAR, environ={})
    assert "--insecure" in (refused.value.hint or "")
    assert resolve_target(None, FAR, environ={}, insecure=True).base_url == FAR


def test_insecure_does_not_relax_the_other_url_rules() -> None:
    with pytest.raises(ConfigError, match="user-info"):
        resolve_target(None, "http://a:b@192.0.2.10", environ={}, insecure=True)


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("https://api-cloud-v2.bitmart.com", False),
        ("https://demo-api-cloud-v2.bitmart.com", False),
        ("http://127.0.0.1:8080", False),
        ("http://localhost:8080", False),
        ("https://bitmart.com.evil.example", True),
        ("https://example.org", True),
        (FAR, True),
    ],
)
def test_a_key_for_a_foreign_host_is_warned_about(url: str, warned: bool) -> None:
    warning = foreign_host_warning(url)
    assert (warning is not None) is warned
    if warning:
        assert "not a BitMart host" in warning


def test_open_session_takes_insecure_from_the_option_and_warns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BITMART_API_KEY", "k" * 20)
    monkeypatch.delenv("BITMART_EXCHANGE", raising=False)
    monkeypatch.delenv("BITMART_BASE_URL", raising=False)
    with click.Context(click.Command("plan")) as ctx:
        with pytest.raises(ConfigError):
            open_session(None, FAR, None)
        ctx.meta[INSECURE_KEY] = True
        session = open_session(None, FAR, None)
    assert session.target.base_url == FAR
    err = capsys.readouterr().err
    assert "192.0.2.10 is not a BitMart host" in err
    assert "k" * 20 not in err
