"""Contract specifications, leverage brackets and bundled starting prices of the simulator.

Values are realistic for BitMart's USDT-M perpetuals (facts 8, 13.1).  Each bracket's ``cum`` is
derived from the tiers with the facts' 8.3 recurrence ``cum[n] = cum[n-1] + floor[n] *
(mmr[n] - mmr[n-1])``, so maintenance margin ``notional * mmr - cum`` is continuous across tiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from runner.sim.backend.errors import reject

TAKER_FEE = Decimal("0.0006")
MAKER_FEE = Decimal("0.0002")
FUNDING_RATE = Decimal("0.0001")
FUNDING_INTERVAL_HOURS = 8
LISTED_MS = 1594080000000  # 2020-07-07, BTCUSDT's listing in the facts' example


@dataclass(frozen=True)
class Bracket:
    tier: int
    max_leverage: int
    floor: Decimal
    cap: Decimal
    mmr: Decimal
    cum: Decimal


@dataclass(frozen=True)
class ContractSpec:
    symbol: str
    base: str
    contract_size: Decimal
    tick: Decimal
    vol_step: int
    min_volume: int
    max_volume: int
    market_max_volume: int
    min_leverage: int
    max_leverage: int
    brackets: tuple[Bracket, ...]

    def bracket_for(self, notional: Decimal) -> Bracket:
        for bracket in self.brackets:
            if notional < bracket.cap:
                return bracket
        return self.brackets[-1]

    def max_notional(self, leverage: Decimal) -> Decimal:
        """The largest notional a position may reach at ``leverage`` (position-v2/risk)."""
        allowed = [b.cap for b in self.brackets if b.max_leverage >= leverage]
        return max(allowed) if allowed else self.brackets[0].cap


def _brackets(tiers: tuple[tuple[int, str, str, str], ...]) -> tuple[Bracket, ...]:
    """(max leverage, floor, cap, mmr) rows -> brackets with their cumulative offsets."""
    result: list[Bracket] = []
    cum, previous_mmr = Decimal("0"), Decimal("0")
    for index, (leverage, floor, cap, mmr) in enumerate(tiers, start=1):
        floor_d, mmr_d = Decimal(floor), Decimal(mmr)
        if index > 1:
            cum += floor_d * (mmr_d - previous_mmr)
        result.append(Bracket(index, leverage, floor_d, Decimal(cap), mmr_d, cum))
        previous_mmr = mmr_d
    return tuple(result)


_BTC_TIERS = (
    (100, "0", "50000", "0.004"),
    (50, "50000", "250000", "0.005"),
    (20, "250000", "1000000", "0.01"),
    (10, "1000000", "5000000", "0.025"),
    (5, "5000000", "20000000", "0.05"),
    (3, "20000000", "50000000", "0.1"),
    (1, "50000000", "100000000", "0.25"),
)
_ETH_TIERS = (
    (100, "0", "25000", "0.005"),
    (50, "25000", "100000", "0.0065"),
    (20, "100000", "500000", "0.01"),
    (10, "500000", "2000000", "0.025"),
    (5, "2000000", "10000000", "0.05"),
    (2, "10000000", "50000000", "0.1"),
)
_SOL_TIERS = (
    (50, "0", "10000", "0.01"),
    (25, "10000", "50000", "0.02"),
    (10, "50000", "250000", "0.025"),
    (5, "250000", "1000000", "0.05"),
    (2, "1000000", "5000000", "0.1"),
)


def _spec(symbol: str, size: str, tick: str, max_lev: int, tiers: tuple) -> ContractSpec:
    return ContractSpec(
        symbol=symbol,
        base=symbol.removesuffix("USDT"),
        contract_size=Decimal(size),
        tick=Decimal(tick),
        vol_step=1,
        min_volume=1,
        max_volume=1_000_000,
        market_max_volume=50_000,
        min_leverage=1,
        max_leverage=max_lev,
        brackets=_brackets(tiers),
    )


MARKETS: dict[str, ContractSpec] = {
    "BTCUSDT": _spec("BTCUSDT", "0.001", "0.1", 100, _BTC_TIERS),
    "ETHUSDT": _spec("ETHUSDT", "0.01", "0.01", 100, _ETH_TIERS),
    "SOLUSDT": _spec("SOLUSDT", "0.1", "0.001", 50, _SOL_TIERS),
}

START_PRICES: dict[str, Decimal] = {
    "BTCUSDT": Decimal("65000"),
    "ETHUSDT": Decimal("3200"),
    "SOLUSDT": Decimal("150"),
}


def spec_of(symbol: str) -> ContractSpec:
    spec = MARKETS.get(symbol)
    if spec is None:
        raise reject(40034)
    return spec
