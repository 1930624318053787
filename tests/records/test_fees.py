"""The fee-rate cache in the runner home: fresh for an hour, per account, damage ignored."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from runner.compiler.snapshot import ContractSpec, Snapshot
from runner.records.fees import FEE_TTL_S, FeeCache, fee_cache_path
from tests.compiler.fixtures import BTC, ETH
from tests.compiler.fixtures import snapshot as base_snapshot


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def snapshot(specs: dict[str, ContractSpec]) -> Snapshot:
    return replace(base_snapshot(), specs=specs)


def _with_fees(spec: ContractSpec, taker: str, maker: str) -> ContractSpec:
    return replace(spec, taker_fee=Decimal(taker), maker_fee=Decimal(maker))


def test_rates_read_by_one_run_are_reused_until_they_are_an_hour_old(tmp_path: Path) -> None:
    clock = Clock()
    first = FeeCache(tmp_path, "acct", clock=clock)
    assert first.fresh(["BTCUSDT"]) == {}
    snap = snapshot(specs={"BTCUSDT": _with_fees(BTC, "0.0004", "0.0001")})
    first.remember(snap, ["BTCUSDT"])

    clock.now += 600
    second = FeeCache(tmp_path, "acct", clock=clock)
    found = second.fresh(["BTCUSDT", "ETHUSDT"])
    assert list(found) == ["BTCUSDT"]
    assert (found["BTCUSDT"].taker, found["BTCUSDT"].maker) == (
        Decimal("0.0004"),
        Decimal("0.0001"),
    )
    assert second.ages == {"BTCUSDT": 600}

    clock.now += FEE_TTL_S - 600
    assert FeeCache(tmp_path, "acct", clock=clock).fresh(["BTCUSDT"]) == {}


def test_only_the_symbols_read_are_kept_and_accounts_are_apart(tmp_path: Path) -> None:
    clock = Clock()
    cache = FeeCache(tmp_path, "acct", clock=clock)
    snap = snapshot(specs={"BTCUSDT": BTC, "ETHUSDT": ETH})
    cache.remember(snap, ["ETHUSDT"])  # BTCUSDT's rates were the defaults, not read
    assert list(FeeCache(tmp_path, "acct", clock=clock).fresh(["BTCUSDT", "ETHUSDT"])) == [
        "ETHUSDT"
    ]
    assert FeeCache(tmp_path, "other", clock=clock).fresh(["ETHUSDT"]) == {}


def test_a_damaged_file_is_ignored_and_written_anew(tmp_path: Path) -> None:
    clock = Clock()
    path = fee_cache_path(tmp_path, "acct")
    path.parent.mkdir(parents=True)
    for damage in ("{not json", '{"version": 1, "fees": {"BTCUSDT": {"taker": "x"}}}', "[]"):
        path.write_text(damage)
        cache = FeeCache(tmp_path, "acct", clock=clock)
        assert cache.fresh(["BTCUSDT"]) == {}
        cache.remember(snapshot(specs={"BTCUSDT": BTC}), ["BTCUSDT"])
        document = json.loads(path.read_text())
        assert document["fees"]["BTCUSDT"]["taker"] == str(BTC.taker_fee)
        assert document["ttl_seconds"] == FEE_TTL_S


def test_a_time_in_the_future_is_not_trusted(tmp_path: Path) -> None:
    clock = Clock()
    FeeCache(tmp_path, "acct", clock=clock).remember(snapshot(specs={"BTCUSDT": BTC}), ["BTCUSDT"])
    clock.now -= 10  # the clock was set back since
    assert FeeCache(tmp_path, "acct", clock=clock).fresh(["BTCUSDT"]) == {}
