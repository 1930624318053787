"""`doctor` against `sim serve` over HTTP: a healthy account, a skewed clock, a read-only key,
a wrong key, a plan's symbols; text and JSON; never a write (issue 16, item 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from runner.errors import ExitCode
from runner.sim.server import SimServer
from tests.e2e.conftest import Cli, FakeTime, write_plan
from tests.render.output_schemas import problems
from tests.simfixtures import make_sim_server  # noqa: F401

EXAMPLES = Path(__file__).resolve().parents[2] / "plans" / "examples"


def _doctor(cli: Cli, *args: str) -> tuple[int, dict[str, dict[str, str]], dict[str, object]]:
    result = cli.run("doctor", *args, "--format", "json")
    document = json.loads(result.out)
    assert problems(document, "doctor") == []  # every doctor document keeps the output contract
    assert document["exit_code"] == result.code
    checks = {c["name"]: c for c in document["checks"]}
    return result.code, checks, document


def test_healthy_account_passes_and_sends_no_write(runner_cli: Cli, sim_shape: str) -> None:
    runner_cli.server.fund("futures", "1000")
    code, checks, document = _doctor(runner_cli, str(EXAMPLES / "btc-long.yaml"))
    assert code == ExitCode.OK
    assert document["format_version"] == 1 and document["ok"] is True
    for name in ("connectivity", "clock", "key", "balance", "position mode"):
        assert checks[name]["status"] == "PASS", checks[name]
    assert "1000" in checks["balance"]["message"]
    # the sparse shape leaves contract status out, as 2023 replies did: doctor warns
    symbol = checks["symbol BTCUSDT"]
    assert symbol["status"] == ("WARN" if sim_shape == "sparse" else "PASS"), symbol
    if sim_shape == "full":
        assert "Trading" in symbol["message"]
    assert "leverage 1..100" in checks["symbol BTCUSDT"]["message"]
    # the API cannot tell trade/withdraw permission or IP binding: said, with advice
    assert checks["key permissions"]["status"] == "WARN"
    assert "Withdraw" in checks["key permissions"]["advice"]
    assert runner_cli.writes() == []


def test_text_output_has_one_line_per_check(runner_cli: Cli) -> None:
    result = runner_cli.run("doctor")
    assert result.code == ExitCode.OK, result.text
    lines = result.out.splitlines()
    assert any(line.startswith("PASS  clock:") for line in lines)
    assert any(line.startswith("WARN  key permissions:") for line in lines)
    assert lines[-1].startswith("doctor: ")


def test_skewed_clock_fails_with_advice(runner_cli: Cli) -> None:
    runner_cli.server.set_clock_skew(120_000)
    code, checks, _ = _doctor(runner_cli)
    assert code == ExitCode.INVALID
    assert checks["clock"]["status"] == "FAIL"
    assert "120000 ms ahead" in checks["clock"]["message"]
    assert "NTP" in checks["clock"]["advice"]


def test_small_skew_is_a_warning(runner_cli: Cli) -> None:
    runner_cli.server.set_clock_skew(-5_000)
    code, checks, _ = _doctor(runner_cli)
    assert code == ExitCode.OK
    assert checks["clock"]["status"] == "WARN"
    assert "5000 ms behind" in checks["clock"]["message"]


def test_read_only_key(runner_cli: Cli) -> None:
    """Doctor cannot see a missing trade permission without writing: it passes the reads and
    says trade permission is unverified; the first write then names the fix."""
    requests.post(runner_cli.server.url + "/sim/key", json={"permissions": ["read"]}, timeout=5)
    code, checks, _ = _doctor(runner_cli)
    assert code == ExitCode.OK
    assert checks["key"]["status"] == "PASS"
    assert checks["key permissions"]["status"] == "WARN"
    assert "cannot be checked" in checks["key permissions"]["message"]
    applied = runner_cli.run("apply", str(EXAMPLES / "btc-long.yaml"), "--yes")
    # refused before anything changed: a credential error before any write, not "part-way"
    assert applied.code == ExitCode.EXCHANGE, applied.text
    assert "the exchange refused the first write; nothing was applied" in applied.text
    assert "30012" in applied.text  # the apply report names the refusal and its fix
    assert "hint:" in applied.text.split("Apply report")[1]
    assert runner_cli.server.state()["orders"] == []


def test_key_without_read_permission_fails(runner_cli: Cli) -> None:
    requests.post(runner_cli.server.url + "/sim/key", json={"permissions": []}, timeout=5)
    code, checks, _ = _doctor(runner_cli)
    assert code == ExitCode.INVALID
    assert checks["key"]["status"] == "FAIL"
    assert "30012" in checks["key"]["message"]
    assert checks["key"]["advice"]


def test_unknown_key_fails_and_skips_nothing_silently(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITMART_API_KEY", "not-the-servers-key-0000")
    code, checks, _ = _doctor(runner_cli)
    assert code == ExitCode.INVALID
    assert checks["key"]["status"] == "FAIL"
    assert "BITMART_API_KEY" in checks["key"]["advice"]
    assert "position mode" not in checks  # needs the key: not reported as if checked


def test_plan_symbol_not_listed_fails(runner_cli: Cli, tmp_path: Path) -> None:
    text = (EXAMPLES / "btc-long.yaml").read_text("utf-8").replace("BTCUSDT", "NOPEUSDT")
    plan = write_plan(tmp_path / "nope.yaml", text)
    code, checks, _ = _doctor(runner_cli, str(plan))
    assert code == ExitCode.INVALID
    assert checks["symbol NOPEUSDT"]["status"] == "FAIL"


def test_unreported_contract_status_is_a_warning(
    runner_cli: Cli,
    make_sim_server: Callable[..., SimServer],  # noqa: F811
    fake_time: FakeTime,
) -> None:
    sparse = make_sim_server(rate_limit=True, clock=fake_time.wall_ms, shape="sparse")
    plan = str(EXAMPLES / "btc-long.yaml")
    result = runner_cli.run(
        "doctor", plan, "--format", "json", "--base-url", sparse.url, base_url=False
    )
    checks = {c["name"]: c for c in json.loads(result.out)["checks"]}
    assert result.code == ExitCode.OK
    assert checks["symbol BTCUSDT"]["status"] == "WARN"
    assert "status not reported" in checks["symbol BTCUSDT"]["message"]


def test_doctor_records(runner_cli: Cli, tmp_path: Path) -> None:
    record = tmp_path / "rec"
    assert runner_cli.run("doctor", "--record", str(record)).code == ExitCode.OK
    (recording,) = record.glob("doctor-*.jsonl")
    lines = [json.loads(line) for line in recording.read_text("utf-8").splitlines()]
    assert {line["request"]["method"] for line in lines[1:]} == {"GET"}
    assert runner_cli.server.credentials.key not in recording.read_text("utf-8")


def test_invalid_plan_is_a_fail_line_and_the_rest_still_runs(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "bad.yaml", "version: 1\nname: Bad Name\nsteps: []\n")
    code, checks, document = _doctor(runner_cli, str(plan))
    assert code == ExitCode.INVALID
    assert checks["plan"]["status"] == "FAIL"
    assert "validate" in checks["plan"]["advice"]
    assert checks["key"]["status"] == "PASS"
    assert document["ok"] is False
