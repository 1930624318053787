"""Exactly once under faults: a write whose outcome is unknown is reconciled, never blindly re-sent.

Each test injects one fault on one write path of the simulator (over real HTTP), runs
`apply --yes`, and checks from the simulator's own state that every order, TP/SL and transfer
exists exactly once and that the account converged (a second apply says "No changes").
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

SUBMIT = "/contract/private/submit-order"
TPSL = "/contract/private/submit-tp-sl-order"
TRANSFER = "/account/v1/transfer-contract"
BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"

BARE_LONG = """\
version: 1
name: bare-long
steps:
  - position: {symbol: BTCUSDT, side: long, size: 4, leverage: 5, margin: isolated}
"""
PROTECT = """\
version: 1
name: protect
steps:
  - tp_sl:
      symbol: BTCUSDT
      side: long
      take_profit: {trigger: 70000}
      stop_loss: {trigger: 60000, price_type: mark}
"""


def _attempts(cli: Cli, path: str) -> list[str | None]:
    """Every request to a write path, including those a fault cut off (their fault is named)."""
    return [e.fault for e in cli.server.request_log() if e.path == path]


def _cids(cli: Cli) -> Counter[str]:
    state = cli.server.state()
    return Counter(o["client_order_id"] for o in state["orders"] if o.get("client_order_id"))


def _position_size(cli: Cli) -> Decimal:
    return sum((Decimal(str(p["size"])) for p in cli.server.state()["positions"]), start=Decimal(0))


def _converged(cli: Cli, plan: Path) -> None:
    again = cli.run("apply", str(plan), "--yes")
    assert again.code == ExitCode.OK, again.text
    assert "No changes" in again.out, again.out


def _triggers(cli: Cli) -> list[dict[str, object]]:
    return [p for p in cli.server.state()["plan_orders"] if p["state"] == "waiting"]


@pytest.mark.parametrize("fault", ["drop_after_commit", "drop_before_commit", "http_500"])
def test_open_is_sent_once_whatever_the_connection_did(runner_cli: Cli, fault: str) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": fault, "count": 1}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.OK, result.text
    attempts = _attempts(runner_cli, SUBMIT)
    if fault == "drop_after_commit":
        assert attempts == [fault]  # it happened: found by its client order id, not re-sent
    else:
        assert attempts == [fault, None]  # provably not performed: re-sent once, same id
    assert set(_cids(runner_cli).values()) == {1}
    assert _position_size(runner_cli) == 10
    _converged(runner_cli, BTC_LONG)


def test_500_after_commit_is_reconciled_as_done(runner_cli: Cli) -> None:
    runner_cli.server.set_faults(
        [{"path": SUBMIT, "fault": "http_500", "after_commit": True, "count": 1}]
    )
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert _attempts(runner_cli, SUBMIT) == ["http_500"]
    assert _position_size(runner_cli) == 10
    _converged(runner_cli, BTC_LONG)


@pytest.mark.parametrize("fault", ["drop_after_commit", "drop_before_commit"])
def test_transfer_is_made_once(runner_cli: Cli, fault: str) -> None:
    runner_cli.server.set_faults([{"path": TRANSFER, "fault": fault, "count": 1}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.OK, result.text
    state = runner_cli.server.state()
    (transfer,) = state["transfers"]
    assert Decimal(state["balances"]["spot"]) == Decimal("10000") - Decimal(transfer["amount"])
    _converged(runner_cli, BTC_LONG)


@pytest.mark.parametrize("fault", ["drop_after_commit", "drop_before_commit"])
def test_tp_sl_on_a_held_position_is_placed_once(
    runner_cli: Cli, tmp_path: Path, fault: str
) -> None:
    runner_cli.server.fund("futures", "1000")
    bare = write_plan(tmp_path / "bare.yaml", BARE_LONG)
    assert runner_cli.run("apply", str(bare), "--yes").code == ExitCode.OK
    protect = write_plan(tmp_path / "protect.yaml", PROTECT)
    runner_cli.server.set_faults([{"path": TPSL, "fault": fault, "count": 1}])
    result = runner_cli.run("apply", str(protect), "--yes")
    assert result.code == ExitCode.OK, result.text
    live = _triggers(runner_cli)
    assert Counter(p["kind"] for p in live) == {"take_profit": 1, "stop_loss": 1}, live
    _converged(runner_cli, protect)


def test_read_faults_are_retried_and_the_plan_still_lands(runner_cli: Cli) -> None:
    runner_cli.server.set_faults(
        [
            {"path": "/contract/private/position-v2", "fault": "cloudflare_403", "count": 1},
            {"path": "/contract/private/assets-detail", "fault": "http_429", "count": 1},
            {"path": "/contract/public/details", "fault": "http_500", "count": 1},
        ]
    )
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert _position_size(runner_cli) == 10


def test_secrets_never_reach_output_journals_or_saved_plans(
    runner_cli: Cli, tmp_path: Path
) -> None:
    creds = runner_cli.server.credentials
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "drop_after_commit", "count": 1}])
    outputs = [
        runner_cli.run("plan", str(BTC_LONG), "--out", str(tmp_path / "saved.json")),
        runner_cli.run("apply", str(BTC_LONG), "--yes"),
        runner_cli.run("status", "--json"),
        runner_cli.run("apply", str(BTC_LONG), "--yes", "--json"),
    ]
    texts = [o.text for o in outputs]
    texts += [p.read_text("utf-8", "replace") for p in runner_cli.home.rglob("*") if p.is_file()]
    texts.append((tmp_path / "saved.json").read_text("utf-8"))
    assert len(texts) > 5
    for text in texts:
        assert creds.secret not in text
        assert creds.memo not in text
        assert creds.key not in text  # only ever shown masked
