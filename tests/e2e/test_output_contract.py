"""Every command's JSON, error cases included, against schemas/output/ — the CLI as a user runs
it, against the simulator over HTTP.  Stdout holds exactly one document; progress goes to stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan
from tests.render.output_schemas import checked

EXAMPLES = Path(__file__).resolve().parents[2] / "plans" / "examples"
BTC_LONG = EXAMPLES / "btc-long.yaml"
SUBMIT = "/contract/private/submit-order"
TOO_BIG = (
    "version: 1\nname: too-big\nsteps:\n"
    "  - position: {symbol: BTCUSDT, side: long, size: 5000000, leverage: 10}\n"
)
BAD_OFFLINE = (
    "version: 1\nname: bad\nsteps:\n  - position: {symbol: BTCUSDT, side: long, size: 2.5}\n"
)


def test_validate_json(runner_cli: Cli, tmp_path: Path) -> None:
    good = runner_cli.run("validate", "--format", "json", str(BTC_LONG), base_url=False)
    assert checked(good.out, "validate", 0)["valid"] is True
    bad = write_plan(tmp_path / "bad.yaml", BAD_OFFLINE)
    result = runner_cli.run("validate", "--json", str(bad), str(BTC_LONG), base_url=False)
    document = checked(result.out, "validate", 1)
    assert document["summary"] == {"files": 2, "invalid": 1, "errors": 1, "warnings": 0}
    assert document["findings"][0]["rule"] == "whole-contracts"


def test_plan_json_with_and_without_detailed_exitcode(runner_cli: Cli) -> None:
    document = checked(runner_cli.run("plan", str(BTC_LONG), "--json").out, "plan", 0)
    assert document["changes"] is True and document["plan"]["name"] == "btc-long"
    result = runner_cli.run("plan", str(BTC_LONG), "--format", "json", "--detailed-exitcode")
    assert result.code == ExitCode.CHANGES
    checked(result.out, "plan", 2)


def test_plan_invalid_against_the_account_is_a_plan_document(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "too-big.yaml", TOO_BIG)
    result = runner_cli.run("plan", str(plan), "--json")
    assert result.code == ExitCode.INVALID
    document = checked(result.out, "plan", 1)
    assert document["valid"] is False and document["findings"]


def test_plan_rejected_offline_is_an_error_document_with_findings(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "bad.yaml", BAD_OFFLINE)
    for command in (("plan",), ("apply", "--yes")):
        result = runner_cli.run(*command, str(plan), "--json")
        assert result.code == ExitCode.INVALID
        document = checked(result.out, "error", 1)
        assert document["command"] == command[0]
        assert [f["line"] for f in document["findings"]] == [4]


def test_exchange_error_at_exit_6_is_an_error_document(runner_cli: Cli) -> None:
    for command in (("plan", str(BTC_LONG)), ("status",), ("apply", str(BTC_LONG), "--yes")):
        result = runner_cli.run(
            *command, "--format", "json", "--base-url", "http://127.0.0.1:9", base_url=False
        )
        assert result.code == ExitCode.EXCHANGE, result.text
        document = checked(result.out, "error", 6)
        assert document["command"] == command[0]
        assert document["message"] in result.err  # the human line stays on stderr
    assert runner_cli.writes() == []


def test_usage_errors_are_error_documents(runner_cli: Cli, tmp_path: Path) -> None:
    missing = runner_cli.run("validate", "--json", str(tmp_path / "missing.yaml"), base_url=False)
    assert missing.code == ExitCode.USAGE
    assert "does not exist" in checked(missing.out, "error", 64)["message"]
    unknown = runner_cli.run("plan", "--format=json", "--frobnicate", str(BTC_LONG))
    assert checked(unknown.out, "error", 64)["error"] == "NoSuchOption"
    bad_value = runner_cli.run("apply", str(BTC_LONG), "--json", "--lock-timeout", "-1")
    checked(bad_value.out, "error", 64)


def test_apply_json_is_the_apply_report_on_stdout_only(runner_cli: Cli) -> None:
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--json")
    assert result.code == ExitCode.OK, result.text
    document = checked(result.out, "apply", 0)
    assert document["outcome"] == "applied" and document["applied"] == document["changes"] == 2
    assert [s["status"] for s in document["steps"]] == ["applied", "applied"]
    assert all(s["verified"] is True for s in document["steps"])
    assert document["verification"] == {"complete": True, "error": None}
    assert document["final"]["positions"][0]["size"] == "10"
    assert "steps" not in json.dumps(document["final"])  # the account, not the plan again
    assert "step 1/2" in result.err and "Apply report" not in result.out

    again = runner_cli.run("apply", str(BTC_LONG), "--yes", "--json")
    document = checked(again.out, "apply", 0)
    assert (document["outcome"], document["steps"], document["final"]) == ("no_changes", [], None)


def test_apply_invalid_against_the_account(runner_cli: Cli, tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "too-big.yaml", TOO_BIG)
    result = runner_cli.run("apply", str(plan), "--yes", "--json")
    document = checked(result.out, "apply", 1)
    assert document["outcome"] == "invalid" and document["findings"]


def test_apply_stopped_before_any_write_is_exit_6_with_each_step(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITMART_API_MEMO", "not-the-memo")  # the transfer list read is refused
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--json")
    assert result.code == ExitCode.EXCHANGE, result.text
    document = checked(result.out, "apply", 6)
    assert document["outcome"] == "stopped"
    assert [s["status"] for s in document["steps"]] == ["failed", "not_run"]
    assert runner_cli.writes() == []


def test_apply_stopped_part_way_is_exit_4_with_each_step(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "http_500", "count": 100}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--json")
    assert result.code == ExitCode.PARTIAL, result.text
    document = checked(result.out, "apply", 4)
    assert document["outcome"] == "stopped"
    assert [s["status"] for s in document["steps"]] == ["applied", "failed"]


def test_apply_not_confirmed_stale_and_locked_are_error_documents(
    runner_cli: Cli, tmp_path: Path
) -> None:
    not_confirmed = runner_cli.run("apply", str(BTC_LONG), "--json")
    assert checked(not_confirmed.out, "error", 5)["hint"]

    saved = tmp_path / "saved.json"
    assert runner_cli.run("plan", str(BTC_LONG), "--out", str(saved)).code == ExitCode.OK
    assert runner_cli.run("apply", str(saved), "--yes", "--json").code == ExitCode.OK
    stale = runner_cli.run("apply", str(saved), "--yes", "--json")
    checked(stale.out, "error", 3)

    from runner.config import Credentials
    from runner.execute.lock import AccountLock, lock_path

    creds = runner_cli.server.credentials
    account = Credentials(creds.key, creds.secret, creds.memo).account_id
    with AccountLock(lock_path(runner_cli.home, account), "other-run"):
        locked = runner_cli.run("apply", str(BTC_LONG), "--yes", "--json")
    checked(locked.out, "error", 7)


def test_saved_plan_apply_document(runner_cli: Cli, tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    made = runner_cli.run("plan", str(BTC_LONG), "--out", str(saved), "--json")
    checked(made.out, "plan", 0)
    document = checked(runner_cli.run("apply", str(saved), "--yes", "--json").out, "apply", 0)
    assert (document["source"], document["outcome"]) == ("saved", "applied")


def test_status_json(runner_cli: Cli) -> None:
    runner_cli.run("apply", str(BTC_LONG), "--yes")
    document = checked(runner_cli.run("status", "--format", "json").out, "status", 0)
    assert document["positions"][0]["symbol"] == "BTCUSDT"


@pytest.mark.parametrize(
    "args",
    [
        ("sim", "state"),
        ("sim", "price", "BTCUSDT", "64000"),
        ("sim", "fund", "5"),
        ("sim", "reset"),
    ],
)
def test_sim_control_json(runner_cli: Cli, args: tuple[str, ...]) -> None:
    document = checked(runner_cli.run(*args, "--format", "json").out, "sim", 0)
    assert document["command"] == " ".join(args[:2])


def test_init_json(runner_cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "plans" / "x.plan.yaml"
    result = runner_cli.run("init", "--json", str(target), base_url=False)
    assert checked(result.out, "init", 0)["path"] == str(target)
    again = runner_cli.run("init", "--json", str(target), base_url=False)
    assert "already exists" in checked(again.out, "error", 64)["message"]


def test_plan_github_format_is_annotations_then_markdown(runner_cli: Cli, tmp_path: Path) -> None:
    result = runner_cli.run("plan", str(BTC_LONG), "--format", "github")
    assert result.out.startswith("### bitmart-runner plan: btc-long")
    plan = write_plan(tmp_path / "too-big.yaml", TOO_BIG)
    invalid = runner_cli.run("plan", str(plan), "--format", "github")
    annotations = [line for line in invalid.out.splitlines() if line.startswith("::")]
    assert annotations and all(line.startswith("::error") for line in annotations)
    assert ":x: **Plan is invalid" in invalid.out
    down = runner_cli.run(
        "plan",
        str(BTC_LONG),
        "--format",
        "github",
        "--base-url",
        "http://127.0.0.1:9",
        base_url=False,
    )
    assert down.code == ExitCode.EXCHANGE
    assert down.out.startswith("::error::")


def test_apply_json_at_a_terminal_shows_the_diff_on_stderr(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runner.commands import apply as apply_command
    from runner.execute.consent import Prompt

    prompt = Prompt(is_terminal=lambda: True, ask=lambda _text: "CONFIRM")
    monkeypatch.setattr(apply_command, "_terminal_prompt", lambda: prompt)
    result = runner_cli.run("apply", str(BTC_LONG), "--json")
    assert checked(result.out, "apply", 0)["outcome"] == "applied"
    assert "bitmart-runner plan: btc-long" in result.err
    assert "Plan: 2 changes" in result.err
