"""plan and apply from the CLI against `bitmart-runner sim serve`'s server over HTTP.

The server's request log witnesses what left the runner: `plan` sends no write, `apply` writes
only after consent, and a second apply of the same plan sends nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from runner.commands import apply as apply_command
from runner.errors import ExitCode
from runner.exchange.limits import SHARED
from runner.execute.consent import Prompt
from tests.e2e.conftest import Cli, FakeTime, write_plan
from tests.render.output_schemas import checked

EXAMPLES = Path(__file__).resolve().parents[2] / "plans" / "examples"
BTC_LONG = EXAMPLES / "btc-long.yaml"


def _positions(cli: Cli) -> list[dict[str, object]]:
    return [p for p in cli.server.state()["positions"] if Decimal(str(p["size"])) != 0]


def _orders_with_cid(cli: Cli) -> Counter[str]:
    return Counter(
        o["client_order_id"] for o in cli.server.state()["orders"] if o.get("client_order_id")
    )


def test_plan_reads_once_and_never_writes(runner_cli: Cli) -> None:
    result = runner_cli.run("plan", str(BTC_LONG), "--detailed-exitcode")
    assert result.code == ExitCode.CHANGES, result.text
    assert runner_cli.writes() == []
    log = runner_cli.server.request_log()
    assert {entry.method for entry in log} == {"GET"}
    repeated = {p: n for p, n in Counter(e.path for e in log).items() if n > 1}
    assert repeated == {}, f"a read was repeated: {repeated}"
    # one parallel round: details, leverage-bracket, trade-fee-rate, position-v2 (BTCUSDT),
    # open orders, plan/TP-SL orders, futures assets, spot wallet (the plan transfers)
    assert len(log) == 8, [e.path for e in log]
    assert "+ " in result.out or "open" in result.out.lower()


def test_apply_converges_and_a_second_apply_changes_nothing(runner_cli: Cli) -> None:
    first = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert first.code == ExitCode.OK, first.text
    (position,) = _positions(runner_cli)
    assert Decimal(str(position["size"])) == 10
    writes_after_first = len(runner_cli.writes())
    orders_after_first = _orders_with_cid(runner_cli)
    assert all(n == 1 for n in orders_after_first.values())

    second = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert second.code == ExitCode.OK, second.text
    assert "No changes" in second.out
    assert len(runner_cli.writes()) == writes_after_first
    assert _orders_with_cid(runner_cli) == orders_after_first

    plan_again = runner_cli.run("plan", str(BTC_LONG), "--detailed-exitcode")
    assert plan_again.code == ExitCode.OK, plan_again.text


def test_quiet_apply_prints_nothing_when_converged(runner_cli: Cli) -> None:
    assert runner_cli.run("apply", str(BTC_LONG), "--yes").code == ExitCode.OK
    quiet = runner_cli.run("apply", str(BTC_LONG), "--yes", "--quiet")
    assert quiet.code == ExitCode.OK
    assert quiet.out == "" and quiet.err == ""


def test_no_terminal_and_no_yes_is_exit_5_without_a_write(runner_cli: Cli) -> None:
    result = runner_cli.run("apply", str(BTC_LONG))
    assert result.code == ExitCode.NOT_CONFIRMED, result.text
    assert runner_cli.writes() == []


@pytest.mark.parametrize("wrong", ["BITMART_API_SECRET", "BITMART_API_MEMO"])
def test_a_rejected_signature_before_any_write_is_exit_6(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch, wrong: str
) -> None:
    # plan reads are KEYED, so the diff is shown; the first SIGNED request is the transfer list
    # read before the top-up is sent: nothing was written, so exit 6 (credential error before any
    # write), not 4 (stopped part-way, some steps applied)
    monkeypatch.setenv(wrong, "not-the-right-one")
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert runner_cli.writes() == []
    assert "BITMART_API_SECRET" in result.text  # the hint says what to check
    assert "Stopped before any write: nothing was applied" in result.text


def test_a_write_refused_for_its_signature_says_what_to_check(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # no transfer: the first SIGNED request is the open itself, refused with 30005
    plan = write_plan(
        tmp_path / "open-only.yaml",
        "version: 1\nname: open-only\nsteps:\n"
        "  - position: {symbol: BTCUSDT, side: long, size: 1, leverage: 10, margin: isolated}\n",
    )
    runner_cli.server.fund("futures", Decimal(1000))
    monkeypatch.setenv("BITMART_API_SECRET", "not-the-right-one")
    result = runner_cli.run("apply", str(plan), "--yes")
    assert "30005" in result.text
    report = result.out.split("Apply report")[1]
    assert "hint:" in report and "BITMART_API_SECRET" in report, result.text
    assert _positions(runner_cli) == []


POSITION_ONLY = (
    "version: 1\nname: open-only\nsteps:\n"
    "  - position: {symbol: BTCUSDT, side: long, size: 2, leverage: 5, margin: isolated}\n"
)


def test_a_first_write_the_exchange_refuses_is_exit_6_not_part_way(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # no transfer, so every read is KEYED and passes; the open is the first SIGNED request and
    # the exchange refuses its signature: nothing changed, so exit 6, not 4 ("some applied")
    runner_cli.server.fund("futures", "1000")
    monkeypatch.setenv("BITMART_API_SECRET", "not-the-right-one")
    plan = write_plan(tmp_path / "open.yaml", POSITION_ONLY)
    result = runner_cli.run("apply", str(plan), "--yes")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert runner_cli.server.state()["orders"] == []
    assert "the exchange refused the first write; nothing was applied" in result.text


def test_a_first_order_the_exchange_rejects_is_exit_6(runner_cli: Cli, tmp_path: Path) -> None:
    # a refusal is an answer: the order did nothing (a refusal after a write that happened is
    # exit 4: test_signals_and_reruns.py::test_exit_4_then_rerun_skips_the_actions_already_done)
    runner_cli.server.fund("futures", "1000")
    submit = "/contract/private/submit-order"
    runner_cli.server.set_faults([{"path": submit, "fault": "reject", "code": 40027}])
    plan = write_plan(tmp_path / "open.yaml", POSITION_ONLY)
    result = runner_cli.run("apply", str(plan), "--yes")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert "40027" in result.text and runner_cli.server.state()["orders"] == []
    runner_cli.server.set_faults([{"path": submit, "fault": "reject", "code": 40027}])
    as_json = runner_cli.run("apply", str(plan), "--yes", "--json")
    document = checked(as_json.out, "apply", ExitCode.EXCHANGE)
    assert document["outcome"] == "stopped"
    assert [s["status"] for s in document["steps"]] == ["failed"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("confirm", ExitCode.NOT_CONFIRMED), ("yes", ExitCode.NOT_CONFIRMED), ("CONFIRM", 0)],
)
def test_only_the_exact_word_confirms(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch, typed: str, code: int
) -> None:
    asked: list[str] = []

    def ask(text: str) -> str:
        asked.append(text)
        return typed

    monkeypatch.setattr(
        apply_command, "_terminal_prompt", lambda: Prompt(is_terminal=lambda: True, ask=ask)
    )
    result = runner_cli.run("apply", str(BTC_LONG))
    assert result.code == code, result.text
    assert len(asked) == 1 and "CONFIRM" in asked[0]
    assert (runner_cli.writes() == []) == (code != 0)


def test_invalid_plan_is_exit_1_without_a_write(runner_cli: Cli, tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "too-big.yaml",
        "version: 1\nname: too-big\nsteps:\n"
        "  - position: {symbol: BTCUSDT, side: long, size: 5000000, leverage: 10}\n",
    )
    result = runner_cli.run("apply", str(plan), "--yes")
    assert result.code == ExitCode.INVALID, result.text
    assert runner_cli.writes() == []


def test_saved_plan_applies_then_is_refused_once_stale(runner_cli: Cli, tmp_path: Path) -> None:
    saved = tmp_path / "btc.plan.json"
    made = runner_cli.run("plan", str(BTC_LONG), "--out", str(saved))
    assert made.code == ExitCode.OK, made.text
    applied = runner_cli.run("apply", str(saved), "--yes")
    assert applied.code == ExitCode.OK, applied.text
    assert len(_positions(runner_cli)) == 1
    writes = len(runner_cli.writes())
    # the account now differs from the facts the saved plan was made on: refused, nothing sent
    again = runner_cli.run("apply", str(saved), "--yes")
    assert again.code == ExitCode.STALE, again.text
    assert len(runner_cli.writes()) == writes


def test_expired_saved_plan_is_refused(runner_cli: Cli, tmp_path: Path) -> None:
    saved = tmp_path / "btc.plan.json"
    assert runner_cli.run("plan", str(BTC_LONG), "--out", str(saved)).code == ExitCode.OK
    document = json.loads(saved.read_text("utf-8"))
    document["expires_at"] = "2020-01-01T00:00:00+00:00"
    saved.write_text(json.dumps(document), "utf-8")
    result = runner_cli.run("apply", str(saved), "--yes")
    assert result.code == ExitCode.STALE and "expired" in result.text
    assert runner_cli.writes() == []


def test_a_held_lock_is_exit_7_at_once(runner_cli: Cli) -> None:
    from runner.config import Credentials
    from runner.execute.lock import AccountLock, lock_path

    creds = runner_cli.server.credentials
    account = Credentials(creds.key, creds.secret, creds.memo).account_id
    with AccountLock(lock_path(runner_cli.home, account), "other-run"):
        result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.LOCKED, result.text
    assert runner_cli.writes() == []


def test_status_shows_what_apply_did(runner_cli: Cli) -> None:
    assert runner_cli.run("apply", str(BTC_LONG), "--yes").code == ExitCode.OK
    writes = len(runner_cli.writes())
    status = runner_cli.run("status")
    assert status.code == ExitCode.OK, status.text
    assert "BTCUSDT" in status.out
    assert len(runner_cli.writes()) == writes  # status itself sent nothing


def test_runs_back_to_back_wait_instead_of_collecting_429s(
    runner_cli: Cli, fake_time: FakeTime
) -> None:
    # position-v2 allows 6 calls per 2 s; each plan reads it once (the fee rates come from the
    # runner home after the first run).  Every run below starts with an empty in-process
    # limiter, as a new process would: only the saved windows help.
    for _ in range(8):
        SHARED.clear()
        assert runner_cli.run("plan", str(BTC_LONG)).code == ExitCode.OK
    assert [e.path for e in runner_cli.server.request_log() if e.status == 429] == []
    assert sum(fake_time.sleeps) >= 2.0  # it waited for the window instead
