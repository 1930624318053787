"""``--record DIR`` on plan, apply and status: every exchange once, redacted (issue 16, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import runner.exchange.transport as transport
from runner.errors import ExitCode
from tests.e2e.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "plans" / "examples"


@pytest.fixture
def signatures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every X-BM-SIGN the runner computes (to prove none reaches a recording)."""
    seen: list[str] = []
    real = transport.auth_headers

    def spy(*args: object, **kwargs: object) -> dict[str, str]:
        headers = real(*args, **kwargs)  # type: ignore[arg-type]
        if "X-BM-SIGN" in headers:
            seen.append(headers["X-BM-SIGN"])
        return headers

    monkeypatch.setattr(transport, "auth_headers", spy)
    return seen


def _lines(directory: Path) -> list[dict[str, object]]:
    return [
        json.loads(line)
        for path in sorted(directory.glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]


def test_plan_apply_status_record_every_exchange_redacted(
    runner_cli: Cli, tmp_path: Path, signatures: list[str]
) -> None:
    record = tmp_path / "rec"
    plan = str(EXAMPLES / "btc-long.yaml")
    assert runner_cli.run("plan", plan, "--record", str(record)).code == ExitCode.OK
    applied = runner_cli.run("apply", plan, "--yes", "--record", str(record))
    assert applied.code == ExitCode.OK, applied.text
    assert runner_cli.run("status", "--record", str(record)).code == ExitCode.OK

    files = sorted(record.glob("*.jsonl"))
    assert [f.name.split("-")[0] for f in files] == sorted(["apply", "plan", "status"])
    lines = _lines(record)
    runs = [line for line in lines if line["kind"] == "run"]
    exchanges = [line for line in lines if line["kind"] == "http"]
    assert len(runs) == 3
    # every request the server saw is in a recording, exactly once
    assert len(exchanges) == len(runner_cli.server.request_log())
    assert signatures, "apply signed its writes"
    creds = runner_cli.server.credentials
    text = "\n".join(f.read_text("utf-8") for f in files)
    for secret_value in (creds.secret, creds.memo, creds.key, *signatures):
        assert secret_value not in text
    assert "X-BM-SIGN" not in text
    masked = f"{creds.key[:5]}...{creds.key[-4:]}"
    assert all(line["key"] == masked for line in runs)
    posts = [e for e in exchanges if e["request"]["method"] == "POST"]  # type: ignore[index]
    assert posts and all(e["request"]["headers"]["X-BM-KEY"] == masked for e in posts)  # type: ignore[index]
    assert all(e["response"]["status"] for e in exchanges)  # type: ignore[index]
    assert all(oct(f.stat().st_mode & 0o777) == "0o600" for f in files)
