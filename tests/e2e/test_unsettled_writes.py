"""An unknown write that has not landed yet (issue 19, "what did not happen is planned afresh").

A run cut off while its open is held up in the network (the simulator's ``delay`` fault: the
request is performed only after ``delay_ms``, with its timestamp checked then) must not be
judged "did not happen" by the next run until the request's signature has expired on the
exchange's clock; otherwise an edited plan opens again and the held-up open lands on top.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, FakeTime, write_plan
from tests.e2e.spawned import until

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
SUBMIT = "/contract/private/submit-order"
HELD_UP = {"path": SUBMIT, "fault": "delay", "delay_ms": 8000}  # lands after the client gave up


def _cut_off_open(cli: Cli) -> None:
    cli.server.set_faults([HELD_UP])
    first = cli.run("apply", str(BTC_LONG), "--yes", "--timeout", "2")
    assert first.code == ExitCode.PARTIAL, first.text
    assert "cut off by the time limit" in first.out


def _landed(cli: Cli) -> list[int | None]:
    return [e.code for e in cli.server.request_log() if e.path == SUBMIT and e.fault == "delay"]


def _long(cli: Cli) -> Decimal:
    return sum(
        (Decimal(str(p["size"])) for p in cli.server.state()["positions"] if p["side"] == "long"),
        Decimal(0),
    )


def _edited(tmp_path: Path, size: int) -> Path:
    text = BTC_LONG.read_text("utf-8").replace("size: 10 ", f"size: {size} ")
    return write_plan(tmp_path / "btc-long.yaml", text)


def test_an_edited_plan_waits_until_the_cut_off_open_can_no_longer_land(
    runner_cli: Cli, tmp_path: Path, fake_time: FakeTime
) -> None:
    _cut_off_open(runner_cli)
    plan = _edited(tmp_path, 15)
    rerun = runner_cli.run("apply", str(plan), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    assert "may still reach the exchange" in rerun.text
    assert any(wait > 60 for wait in fake_time.sleeps)  # the signature window, sat out
    until(lambda: bool(_landed(runner_cli)), "the held-up open reaching the exchange")
    assert _landed(runner_cli) == [30007]  # too late: its signature had expired
    assert _long(runner_cli) == 15


def test_a_wait_the_timeout_cannot_hold_is_refused_before_anything_is_sent(
    runner_cli: Cli, tmp_path: Path
) -> None:
    _cut_off_open(runner_cli)
    writes = len(runner_cli.writes())
    plan = _edited(tmp_path, 15)
    refused = runner_cli.run("apply", str(plan), "--yes", "--timeout", "30")
    assert refused.code == ExitCode.EXCHANGE, refused.text
    assert "may still reach the exchange" in refused.err and "nothing was sent" in refused.err
    assert len(runner_cli.writes()) == writes
    until(lambda: bool(_landed(runner_cli)), "the held-up open reaching the exchange")
    assert _landed(runner_cli) == [1000]  # it did land: planning afresh would have doubled it
    rerun = runner_cli.run("apply", str(plan), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    assert _long(runner_cli) == 15  # 10 landed late + 5, not 10 + 15
