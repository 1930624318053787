"""Hand-computed expectations for the dry-run arithmetic (the arithmetic is in the comments)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from runner.compiler import estimates as est

# BitMart's documented example tiers (API facts §13.1 #9 + §8.3's cum recurrence)
BRACKETS = (
    est.Bracket(D(0), D(10000), D(50), D("0.01"), D(0)),
    est.Bracket(D(10000), D(100000), D(25), D("0.02"), D(100)),
    est.Bracket(D(100000), D(200000), D(20), D("0.025"), D(600)),
)


def test_notional_and_margin_match_facts_example() -> None:
    # facts §8.1: 100 BTCUSDT contracts at 67,000 -> 100 x 0.001 x 67,000 = 6,700 USDT; /10 = 670
    value = est.notional(100, D("0.001"), D(67000))
    assert value == D(6700)
    assert est.initial_margin(value, D(10)) == D(670)


def test_fee_taker() -> None:
    # 6,700 x 0.0006 = 4.02
    assert est.fee(D(6700), D("0.0006")) == D("4.0200")


@pytest.mark.parametrize(
    ("value", "tier_leverage", "mm"),
    [
        (D(5000), D(50), D(50)),  # 5,000 x 0.01 - 0 = 50
        (D(10000), D(25), D(100)),  # 10,000 x 0.02 - 100 = 100 (continuous at the boundary)
        (D(150000), D(20), D(3150)),  # 150,000 x 0.025 - 600 = 3,150
        (D(999999), D(20), D("24399.975")),  # above every cap: last tier, 999,999 x 0.025 - 600
    ],
)
def test_bracket_lookup_and_maintenance(value: D, tier_leverage: D, mm: D) -> None:
    assert est.max_leverage_for(value, BRACKETS) == tier_leverage
    assert est.maintenance_margin(value, BRACKETS) == mm


def test_isolated_long_liquidation_price() -> None:
    # 10 contracts x 0.001 at 67,000: V*S = 0.01, value = 670, IM = 67 (10x), MM = 670 x 0.01 = 6.7
    # Lp = (670 - (67 - 6.7)) / ((1 - 0.0006) x 0.01) = 609.7 / 0.009994 = 61006.6039...
    lp = est.liquidation_price(
        is_long=True,
        entry_price=D(67000),
        contracts=10,
        contract_size=D("0.001"),
        leverage=D(10),
        brackets=BRACKETS,
        taker_rate=D("0.0006"),
    )
    assert lp.quantize(D("0.0001")) == D("61006.6040")
    assert est.to_tick(lp, D("0.1"), up=True) == D("61006.7")


def test_isolated_short_liquidation_price() -> None:
    # Lp = (670 + 60.3) / (1.0006 x 0.01) = 730.3 / 0.010006 = 72986.2083...
    lp = est.liquidation_price(
        is_long=False,
        entry_price=D(67000),
        contracts=10,
        contract_size=D("0.001"),
        leverage=D(10),
        brackets=BRACKETS,
        taker_rate=D("0.0006"),
    )
    assert lp.quantize(D("0.0001")) == D("72986.2083")


def test_cross_uses_available_balance_and_floors_at_zero() -> None:
    # long with 1,000 USDT extra: buffer = 60.3 + 1000 > value 670 -> cannot be liquidated: 0
    lp = est.liquidation_price(
        is_long=True,
        entry_price=D(67000),
        contracts=10,
        contract_size=D("0.001"),
        leverage=D(10),
        brackets=BRACKETS,
        taker_rate=D("0.0006"),
        extra_margin=D(1000),
    )
    assert lp == 0


def test_pnl_long_and_short() -> None:
    # facts §8.1: 100 x 0.001 x 5,000 = 500
    assert est.pnl(
        is_long=True, entry=D(60000), exit_price=D(65000), contracts=100, contract_size=D("0.001")
    ) == D(500)
    assert est.pnl(
        is_long=False, entry=D(60000), exit_price=D(65000), contracts=100, contract_size=D("0.001")
    ) == D(-500)


def test_tick_rounding_and_grid() -> None:
    assert est.to_tick(D("64999.97"), D("0.1"), up=False) == D("64999.9")
    assert est.to_tick(D("64999.91"), D("0.1"), up=True) == D("65000.0")
    assert est.on_grid(D("64000.5"), D("0.1"))
    assert not est.on_grid(D("64000.55"), D("0.1"))
    assert est.on_grid(D(10), D(1))
