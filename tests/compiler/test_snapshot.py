"""The snapshot reader: one parallel round, only the plan's symbols, rows mapped exactly."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal as D
from types import SimpleNamespace as Row
from typing import Any

import pytest

from runner.account import Needs, SymbolUnknown, read_account, read_snapshot
from runner.domain import Margin, Mode, PosSide, PriceSource, TriggerKind

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def contract(symbol: str, last: str) -> Row:
    return Row(
        symbol=symbol,
        contract_size=D("0.001"),
        tick=D("0.1"),
        step=D("1"),
        min_volume=D("1"),
        max_volume=D("1000000"),
        market_max_volume=D("50000"),
        min_leverage=D("1"),
        max_leverage=D("100"),
        last_price=D(last),
        index_price=D(last),
        status="Trading",
    )


def pos_row(symbol: str, side: str, size: str, **extra: Any) -> Row:
    values = dict(
        symbol=symbol,
        side=side,
        size=D(size),
        signed_size=D(size),
        leverage=D("10"),
        margin_mode="isolated",
        entry_price=D("65000"),
        mark_price=D("65010"),
        liquidation_price=D("59000"),
        unrealized_pnl=D("0.1"),
        initial_margin=D("65"),
    )
    values.update(extra)
    return Row(**values)


class FakeSource:
    """Answers like the read-only client; records every call (and from which thread)."""

    def __init__(self, *, one_way: bool = False, rendezvous: int = 0) -> None:
        self.calls: Counter[str] = Counter()
        self.threads: set[str] = set()
        self.one_way = one_way
        self._lock = threading.Lock()
        # With `rendezvous=n`, the first n reads each wait until all n are in flight at once:
        # reads made one after another break the barrier (its timeout only prevents a hang).
        self._barrier = threading.Barrier(rendezvous, timeout=10) if rendezvous else None
        self._waiting = rendezvous

    def _hit(self, name: str) -> None:
        with self._lock:
            self.calls[name] += 1
            self.threads.add(threading.current_thread().name)
            wait = self._waiting > 0
            self._waiting -= 1
        if wait and self._barrier is not None:
            self._barrier.wait()

    def contracts(self, symbol: str | None = None) -> list[Row]:
        self._hit(f"contracts:{symbol}")
        rows = [contract("BTCUSDT", "65000"), contract("ETHUSDT", "3200")]
        return [r for r in rows if symbol in (None, r.symbol)]

    def leverage_brackets(self, symbol: str | None = None) -> dict[str, list[Row]]:
        self._hit(f"brackets:{symbol}")
        tier = Row(
            bracket=1,
            max_leverage=D("100"),
            notional_floor=D("0"),
            notional_cap=D("100000"),
            maint_margin_ratio=D("0.005"),
            cum=D("0"),
        )
        return {"BTCUSDT": [tier], "ETHUSDT": [tier]}

    def fee_rate(self, symbol: str) -> Row:
        self._hit(f"fee:{symbol}")
        return Row(symbol=symbol, taker=D("0.0005"), maker=D("0.0001"))

    def assets(self) -> list[Row]:
        self._hit("assets")
        return [
            Row(
                currency="USDT",
                available=D("900"),
                frozen=D("10"),
                position_margin=D("65"),
                equity=D("975.1"),
                unrealized=D("0.1"),
            )
        ]

    def positions_v2(self, symbol: str | None = None) -> list[Row]:
        self._hit(f"positions:{symbol}")
        if self.one_way:
            return [pos_row(symbol or "BTCUSDT", "both", "3", signed_size=D("-3"))]
        rows = [pos_row("BTCUSDT", "long", "10"), pos_row("BTCUSDT", "short", "0")]
        if symbol is None:
            return [*rows[:1], pos_row("SOLUSDT", "short", "2")]
        return [r for r in rows if r.symbol == symbol] or [pos_row(symbol, "long", "0")]

    def position_mode(self) -> str:
        self._hit("mode")
        return "one_way_mode" if self.one_way else "hedge_mode"

    def open_orders(self, symbol: str | None = None) -> list[Row]:
        self._hit(f"orders:{symbol}")
        return [
            Row(
                order_id=1,
                client_order_id="BRabc",
                symbol="BTCUSDT",
                side=1,
                type="limit",
                price=D("60000"),
                size=D("2"),
                filled=D("0"),
                leverage=D("10"),
                margin_mode="isolated",
            ),
            Row(
                order_id=2,
                client_order_id="",
                symbol="SOLUSDT",
                side=4,
                type="limit",
                price=D("170"),
                size=D("1"),
                filled=D("0"),
                leverage=D("5"),
                margin_mode="cross",
            ),
        ]

    def plan_orders(self, symbol: str | None = None, plan_type: str | None = None) -> list[Row]:
        self._hit(f"plans:{symbol}")
        return [
            Row(
                order_id="7",
                client_order_id="BRsl",
                symbol="BTCUSDT",
                side=3,
                type="stop_loss",
                size=D("10"),
                trigger_price=D("63000"),
                executive_price=D("0"),
                price_type=2,
                price_way=2,
                plan_category=2,
                leverage=D("10"),
                margin_mode="isolated",
            ),
            Row(
                order_id="8",
                client_order_id="",
                symbol="BTCUSDT",
                side=1,
                type="trailing",
                size=D("1"),
                trigger_price=D("1"),
                executive_price=D("0"),
                price_type=1,
                price_way=1,
                plan_category=1,
                leverage=D("10"),
                margin_mode="isolated",
            ),
        ]

    def spot_wallet(self, currency: str | None = "USDT") -> list[Row]:
        self._hit("spot")
        return [Row(currency="USDT", available=D("5000"), frozen=D("0"))]


def test_one_symbol_reads_each_fact_once_in_parallel() -> None:
    source = FakeSource(rendezvous=3)  # three reads in flight together, or the barrier breaks
    snap = read_snapshot(source, ["BTCUSDT"], target="paper", needs=Needs(), now=lambda: NOW)
    assert source.calls == Counter(
        {
            "contracts:BTCUSDT": 1,
            "brackets:BTCUSDT": 1,
            "fee:BTCUSDT": 1,
            "positions:BTCUSDT": 1,
            "orders:None": 1,
            "plans:None": 1,
            "assets": 1,
        }
    )
    assert len(source.threads) >= 3  # the reads went out concurrently, not one after another
    assert snap.mode is Mode.HEDGE  # inferred from the long/short rows: no extra mode read
    assert snap.specs["BTCUSDT"].taker_fee == D("0.0005")
    assert snap.markets["BTCUSDT"].mark == D("65010") and snap.markets["BTCUSDT"].last == D("65000")
    (position,) = snap.positions
    assert (position.side, position.size, position.margin) == (
        PosSide.LONG,
        D("10"),
        Margin.ISOLATED,
    )
    assert snap.settings["BTCUSDT"].leverage == D("10")
    # only the plan's symbols: the SOL order is someone else's business
    assert [o.order_id for o in snap.open_orders] == ["1"]
    (stop,) = snap.trigger_orders  # the trailing row is not a kind the runner manages
    assert (stop.kind, stop.price_source, stop.order_type) == (
        TriggerKind.STOP_LOSS,
        PriceSource.MARK,
        "market",
    )
    assert snap.balances.futures_available == D("900") and snap.balances.spot_available is None
    assert not snap.account_wide


def test_mode_and_spot_needs_read_the_whole_account() -> None:
    source = FakeSource()
    snap = read_snapshot(
        source, ["BTCUSDT"], target="paper", needs=Needs(spot=True, mode=True), now=lambda: NOW
    )
    assert source.calls["mode"] == 1 and source.calls["spot"] == 1
    assert source.calls["positions:None"] == 1
    assert snap.account_wide
    assert {p.symbol for p in snap.positions} == {"BTCUSDT", "SOLUSDT"}
    assert {o.order_id for o in snap.open_orders} == {"1", "2"}
    assert snap.balances.spot_available == D("5000")


def test_every_read_of_a_round_is_in_flight_at_once() -> None:
    # ten reads (both positions reads, the mode, the spot wallet): none may queue behind the
    # others, or it would be a round of its own at the exchange's latency
    source = FakeSource(rendezvous=10)
    read_snapshot(
        source, ["BTCUSDT"], target="paper", needs=Needs(spot=True, mode=True), now=lambda: NOW
    )
    assert sum(source.calls.values()) == 10


def _whole_account(source: FakeSource, symbol: str, settings_of: tuple[str, ...] = ()) -> Any:
    return read_snapshot(
        source,
        [symbol],
        target="paper",
        needs=Needs(),
        now=lambda: NOW,
        whole_account=True,
        known_mode=Mode.ONE_WAY,
        settings_of=settings_of,
    )


def test_the_whole_account_is_one_positions_read_and_no_mode_read() -> None:
    source = FakeSource(rendezvous=7)  # all seven together
    snap = _whole_account(source, "BTCUSDT")
    assert source.calls["positions:None"] == 1 and source.calls["positions:BTCUSDT"] == 0
    assert source.calls["mode"] == 0
    assert snap.account_wide
    assert {p.symbol for p in snap.positions} == {"BTCUSDT", "SOLUSDT"}
    assert snap.mode is Mode.HEDGE  # the rows show it: the mode known before is not needed
    assert snap.settings["BTCUSDT"].leverage == D("10")
    assert snap.markets["BTCUSDT"].mark == D("65010")


class FlatSource(FakeSource):
    def positions_v2(self, symbol: str | None = None) -> list[Row]:
        self._hit(f"positions:{symbol}")
        return [] if symbol is None else [pos_row(symbol, "both", "0", leverage=D("7"))]


def test_a_flat_symbol_of_the_whole_account_keeps_the_known_mode() -> None:
    flat = FlatSource()
    snap = _whole_account(flat, "ETHUSDT")
    assert flat.calls["positions:None"] == 1 and flat.calls["mode"] == 0
    assert snap.mode is Mode.ONE_WAY and not snap.positions and "ETHUSDT" not in snap.settings
    assert snap.markets["ETHUSDT"].mark == D("3200")  # the index price, with no row to show it


def test_a_leverage_set_on_a_flat_symbol_is_read_from_its_own_rows() -> None:
    flat = FlatSource()
    snap = _whole_account(flat, "ETHUSDT", settings_of=("ETHUSDT",))
    assert flat.calls["positions:None"] == 1 and flat.calls["positions:ETHUSDT"] == 1
    assert snap.settings["ETHUSDT"].leverage == D("7")


def test_two_symbols_share_one_contracts_read_and_fee_reads_are_capped() -> None:
    source = FakeSource()
    snap = read_snapshot(
        source, ["BTCUSDT", "ETHUSDT", "BTCUSDT"], target="paper", needs=Needs(), now=lambda: NOW
    )
    assert source.calls["contracts:None"] == 1 and source.calls["brackets:None"] == 1
    assert set(snap.specs) == {"BTCUSDT", "ETHUSDT"}


def test_one_way_row_side_comes_from_the_sign() -> None:
    snap = read_snapshot(
        FakeSource(one_way=True), ["BTCUSDT"], target="paper", needs=Needs(), now=lambda: NOW
    )
    assert snap.mode is Mode.ONE_WAY
    assert snap.positions[0].side is PosSide.SHORT


def test_unknown_symbol_is_named() -> None:
    with pytest.raises(SymbolUnknown, match="XRPUSDT"):
        read_snapshot(FakeSource(), ["XRPUSDT"], target="paper", needs=Needs(), now=lambda: NOW)


def test_read_account_for_status_covers_everything() -> None:
    source = FakeSource()
    snap = read_account(source, target="paper", spot=True, now=lambda: NOW)
    assert {p.symbol for p in snap.positions} == {"BTCUSDT", "SOLUSDT"}
    assert len(snap.open_orders) == 2 and snap.mode is Mode.HEDGE
    assert snap.balances.spot_available == D("5000")


class OddDetailsSource(FakeSource):
    """A real details reply: one contract (ETHUSDT) lacks a required field; BTCUSDT lacks only
    the optional market_max_volume and status, as 2023 replies did."""

    def contracts(self, symbol: str | None = None) -> Any:
        from runner.exchange.errors import ProtocolError
        from runner.exchange.market import ContractList

        self._hit(f"contracts:{symbol}")
        btc = contract("BTCUSDT", "65000")
        btc.market_max_volume = None
        btc.status = None
        odd = ProtocolError("/contract/public/details", "contract ETHUSDT: field 'x' is missing")
        return ContractList([btc], {"ETHUSDT": odd})


def test_an_odd_contract_fails_only_the_plans_that_use_it() -> None:
    from runner.exchange.errors import ProtocolError

    snap = read_snapshot(
        OddDetailsSource(), ["BTCUSDT"], target="t", needs=Needs(), now=lambda: NOW
    )
    spec = snap.specs["BTCUSDT"]
    assert spec.trading  # unknown status: the exchange still refuses a non-trading contract
    assert spec.market_max_volume == spec.max_volume
    with pytest.raises(ProtocolError, match="ETHUSDT: field 'x' is missing"):
        read_snapshot(OddDetailsSource(), ["ETHUSDT"], target="t", needs=Needs(), now=lambda: NOW)
