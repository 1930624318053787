"""Consent, transport and credentials (issue 19 items 9-12), against the simulator over HTTP.

The server's request log witnesses that a refused command sent nothing at all.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"


class _ClosedTerminal(io.StringIO):
    """A terminal whose input ends at once (Ctrl-D, or a closed stdin under a pty)."""

    def isatty(self) -> bool:
        return True


def test_plan_out_never_overwrites_the_plan_file(runner_cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "btc.yaml"
    shutil.copy(BTC_LONG, plan)
    before = plan.read_text("utf-8")
    result = runner_cli.run("plan", str(plan), "--out", str(plan))
    assert result.code == ExitCode.USAGE, result.text
    assert "not a saved plan" in result.err
    assert plan.read_text("utf-8") == before
    assert runner_cli.server.request_log() == []  # refused before reading the account


def test_plan_out_never_overwrites_other_files_but_replaces_a_saved_plan(
    runner_cli: Cli, tmp_path: Path
) -> None:
    other = tmp_path / "notes.json"
    other.write_text('{"mine": true}\n', "utf-8")
    refused = runner_cli.run("plan", str(BTC_LONG), "--out", str(other))
    assert refused.code == ExitCode.USAGE, refused.text
    assert other.read_text("utf-8") == '{"mine": true}\n'
    saved = tmp_path / "btc.plan.json"
    assert runner_cli.run("plan", str(BTC_LONG), "--out", str(saved)).code == ExitCode.OK
    again = runner_cli.run("plan", str(BTC_LONG), "--out", str(saved))
    assert again.code == ExitCode.OK, again.text


def test_plan_out_into_a_missing_directory_is_refused_before_reading(
    runner_cli: Cli, tmp_path: Path
) -> None:
    # was exit 70 "internal error: FileNotFoundError ... x.json.tmp" after the whole diff
    out = tmp_path / "no-such-dir" / "x.json"
    result = runner_cli.run("plan", str(BTC_LONG), "--out", str(out))
    assert result.code == ExitCode.USAGE, result.text
    assert "no-such-dir" in result.err and "does not exist" in result.err
    assert "internal error" not in result.text
    assert runner_cli.server.request_log() == []


def test_end_of_input_at_the_prompt_is_not_confirmed(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _ClosedTerminal(""))
    result = runner_cli.run("apply", str(BTC_LONG))
    assert result.code == ExitCode.NOT_CONFIRMED, result.text
    assert "end of input" in result.err
    assert runner_cli.writes() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.2:{port}\\@127.0.0.1",
        "http://user:pass@127.0.0.1:{port}",
        "http://127.0.0.1:{port}/%2e%2e",
        "http://127.0.0.1:{port}?x=1",
        "http://127.0.0.1:{port} ",
    ],
)
def test_ambiguous_base_urls_are_refused_before_anything_is_sent(runner_cli: Cli, url: str) -> None:
    port = runner_cli.server.url.rsplit(":", 1)[1]
    result = runner_cli.run(
        "apply", str(BTC_LONG), "--yes", "--base-url", url.format(port=port), base_url=False
    )
    assert result.code == ExitCode.USAGE, result.text
    assert "refusing base URL" in result.err
    assert runner_cli.server.request_log() == []


def test_an_environment_url_never_overrides_an_explicit_exchange(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITMART_BASE_URL", runner_cli.server.url)
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--exchange", "live", base_url=False)
    assert result.code == ExitCode.USAGE, result.text
    assert "--exchange live" in result.err and "BITMART_BASE_URL" in result.err
    assert runner_cli.server.request_log() == []


def test_an_environment_exchange_conflicts_with_an_explicit_url(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITMART_EXCHANGE", "live")
    result = runner_cli.run("plan", str(BTC_LONG))
    assert result.code == ExitCode.USAGE, result.text
    assert "BITMART_EXCHANGE=live" in result.err and "--base-url" in result.err


def test_the_environment_url_alone_still_works(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITMART_BASE_URL", runner_cli.server.url)
    result = runner_cli.run("plan", str(BTC_LONG), base_url=False)
    assert result.code == ExitCode.OK, result.text


@pytest.mark.parametrize("variable", ["BITMART_API_KEY", "BITMART_API_SECRET", "BITMART_API_MEMO"])
@pytest.mark.parametrize("damage", ["\n", " ", "\t", "\x01", "\udcff"])
def test_damaged_credentials_are_named_never_shown_and_nothing_is_sent(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, damage: str
) -> None:
    creds = runner_cli.server.credentials
    value = {"BITMART_API_KEY": creds.key, "BITMART_API_SECRET": creds.secret}.get(
        variable, creds.memo
    )
    monkeypatch.setenv(variable, value + damage)  # "\udcff": a non-UTF-8 byte, as os.environ has it
    result = runner_cli.run("plan", str(BTC_LONG))
    assert result.code == ExitCode.EXCHANGE, result.text
    assert variable in result.err
    assert value not in result.text
    assert "may have reached" not in result.text
    assert runner_cli.server.request_log() == []


def test_a_trailing_newline_from_the_env_file_is_named(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = runner_cli.server.credentials.key
    monkeypatch.delenv("BITMART_API_KEY")
    env = Path("keys.env")
    env.write_text(f'BITMART_API_KEY="{key}\\n"\n', "utf-8")
    env.chmod(0o600)
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--env-file", str(env))
    assert result.code == ExitCode.EXCHANGE, result.text
    assert "BITMART_API_KEY contains whitespace" in result.err
    assert key not in result.text
    assert runner_cli.server.request_log() == []
