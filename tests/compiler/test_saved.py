from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from runner.compiler.actions import OrderIds
from runner.compiler.compile import compile_plan
from runner.errors import ConfigError, ExitCode, PlanInvalid, SavedPlanStale
from runner.saved_plan import action_from_json, action_to_json, load_saved_plan, write_saved_plan
from tests.compiler.fixtures import long_btc, snapshot
from tests.render.test_plan_render import PLAN


def _saved(tmp_path: Path) -> tuple[Path, object]:
    snap = snapshot()
    result = compile_plan(PLAN, snap, OrderIds("btc-swing"))
    path = tmp_path / "plan.json"
    write_saved_plan(path, result, masked_key="80618...3e56", now=snap.taken_at)
    return path, result


def test_round_trip_of_every_action(tmp_path: Path) -> None:
    path, result = _saved(tmp_path)
    saved = load_saved_plan(path)
    assert saved.actions == result.actions  # type: ignore[attr-defined]
    for action in saved.actions:
        assert action_from_json(action_to_json(action)) == action


def test_fresh_plan_is_accepted(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    snap = snapshot()
    load_saved_plan(path).check_fresh(
        snap, target="paper", now=snap.taken_at + timedelta(minutes=1)
    )


def test_refused_after_the_account_changes(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    changed = snapshot(futures="900", positions=(long_btc(),))
    with pytest.raises(SavedPlanStale) as info:
        load_saved_plan(path).check_fresh(changed, target="paper", now=changed.taken_at)
    assert info.value.exit_code == ExitCode.STALE
    assert "positions" in info.value.message
    assert "balances" in info.value.message


def test_price_moves_within_the_band_do_not_make_it_stale(tmp_path: Path) -> None:
    # ETH moves 0.4%, BTC's mark 0.3% while its last (which the -3% stop was resolved from)
    # stays: within --max-price-move and the stop resolves to the same tick
    path, _ = _saved(tmp_path)
    moved = snapshot()
    eth, btc = moved.markets["ETHUSDT"], moved.markets["BTCUSDT"]
    moved = moved.evolve(
        markets={
            "ETHUSDT": type(eth)(eth.last + 14, eth.mark + 14),
            "BTCUSDT": type(btc)(btc.last, btc.mark + 201),
        }
    )
    load_saved_plan(path).check_fresh(moved, target="paper", now=moved.taken_at)
    wider = moved.evolve(markets={**moved.markets, "ETHUSDT": type(eth)(eth.last, eth.mark + 90)})
    with pytest.raises(SavedPlanStale, match=r"ETHUSDT mark price moved 2\.57%"):
        load_saved_plan(path).check_fresh(wider, target="paper", now=moved.taken_at)
    load_saved_plan(path).check_fresh(
        wider, target="paper", now=moved.taken_at, max_price_move=D(3)
    )


def test_refused_after_expiry_and_on_another_target(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    snap = snapshot()
    with pytest.raises(SavedPlanStale, match="expired"):
        load_saved_plan(path).check_fresh(
            snap, target="paper", now=snap.taken_at + timedelta(minutes=10)
        )
    with pytest.raises(SavedPlanStale, match="made for paper"):
        load_saved_plan(path).check_fresh(snap, target="live", now=snap.taken_at)


def test_saved_plan_holds_no_secret_and_masked_key(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    doc = json.loads(path.read_text())
    assert doc["masked_key"] == "80618...3e56"
    assert doc["actions"][1]["stop_loss"] == {
        "trigger": "64990.0",
        "source": "mark",
        "percent": "-3",
    }
    # predicted: 568 in, 67 margin and 0.402 fee out
    assert D(doc["predicted"]["balances"]["futures_available"]) == D("500.598")


def test_garbage_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(PlanInvalid, match="not a readable saved plan"):
        load_saved_plan(bad)
    bad.write_text('{"kind": "something-else"}')
    with pytest.raises(PlanInvalid, match="not a bitmart-runner saved plan"):
        load_saved_plan(bad)


def test_a_file_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(ConfigError, match=r"cannot write .*plan\.json: No space left on device"):
        _saved(tmp_path)
    assert list(tmp_path.glob("plan.json*")) == []  # no .tmp left behind
