"""Resolved plan steps: what compile works on.

The plan model (``runner.plan``) is what the user wrote, with locations; an intent is the same
step with the plan's defaults applied and nothing left implicit except what only the live account
can decide (inherited leverage/margin, relative triggers, notional sizes).  ``from_plan`` in
``runner.compiler.adapt`` is the single bridge between the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from decimal import Decimal
from enum import Enum
from typing import Any

from runner.domain import (
    CancelWhat,
    Margin,
    Mode,
    OrderType,
    Period,
    PosSide,
    PriceSource,
    PriceWay,
    TimeInForce,
)
from runner.plan.model import Risk, StopRule  # plain values: the plan's own, nothing to resolve
from runner.values import value


class Keep(Enum):
    """Marker for "the plan does not mention it": leave the exchange as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP

Locator = Callable[[str], Any]  # field path -> runner.plan Location (or None)


def _no_location(_: str) -> Any:
    return None


@value
class Trigger:
    """A TP/SL trigger: an absolute price, or a percentage of the entry price."""

    source: PriceSource
    price: Decimal | None = None
    percent: Decimal | None = None  # "+5%" -> Decimal("5"), "-3%" -> Decimal("-3")
    breakeven: bool = False  # the entry moved by both fees (estimates.breakeven_price)

    @property
    def relative(self) -> bool:
        return self.percent is not None or self.breakeven


Protect = Trigger | None | Keep  # None = "none wanted", KEEP = "leave as is"


@value
class LadderLevel:
    """A take-profit level: ``size`` contracts or ``percent`` of the step's size (neither = the
    rest), closed by a fixed-quantity TP order at ``trigger``."""

    trigger: Trigger
    size: Decimal | None = None
    percent: Decimal | None = None


@value
class Entry:
    order_type: OrderType = OrderType.MARKET
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    expire_after_s: int | None = None  # position limit entries: cancel when rested this long


@value
class TrailingStop:
    """A trailing order on the position: ``activation`` (price or % of the entry, watched on
    ``activation.source``) and the ``callback`` retrace in percent."""

    activation: Trigger
    callback: Decimal


Trail = TrailingStop | None | Keep


@value(kw_only=True)
class Intent:
    index: int
    key: str  # the step's id, or "#<index+1>"
    kind: str
    note: str | None = None
    loc: Locator = field(default=_no_location, compare=False, repr=False)


@value(kw_only=True)
class PositionIntent(Intent):
    symbol: str
    side: PosSide
    size: Decimal | None = None  # contracts; None when given as notional
    notional: Decimal | None = None
    leverage: Decimal | None = None
    margin: Margin | None = None
    entry: Entry = Entry()
    take_profit: Protect = KEEP
    stop_loss: Protect = KEEP
    reentry: str = "never"  # never | always | after (once the position closed by the market)
    reentry_after_s: int | None = None
    rebalance_band: Decimal | None = None  # percent; a notional is held in contracts within it
    ladder: tuple[LadderLevel, ...] = ()
    trailing_stop: Trail = KEEP
    risk: Risk | None = None  # size from the risk taken (resolved when opened from flat)
    stop_rules: tuple[StopRule, ...] = ()


@value(kw_only=True)
class OpenIntent(PositionIntent):
    """Open ``size`` more contracts, every apply (or once per period)."""

    once_per: Period | None = None


@value(kw_only=True)
class CloseIntent(Intent):
    symbol: str
    side: PosSide
    size: Decimal | None  # None = all
    entry: Entry = Entry()
    once_per: Period | None = None


@value(kw_only=True)
class TpSlIntent(Intent):
    symbol: str
    side: PosSide
    take_profit: Protect = KEEP
    stop_loss: Protect = KEEP


@value(kw_only=True)
class LeverageIntent(Intent):
    symbol: str
    leverage: Decimal
    margin: Margin


@value(kw_only=True)
class ModeIntent(Intent):
    mode: Mode


@value(kw_only=True)
class BalanceIntent(Intent):
    min_available: Decimal


@value(kw_only=True)
class TransferIntent(Intent):
    amount: Decimal
    to_futures: bool
    once_per: Period | None = None


@value(kw_only=True)
class PlanOrderIntent(Intent):
    symbol: str
    side: PosSide
    reduce_only: bool
    size: Decimal
    trigger: Decimal
    source: PriceSource
    direction: PriceWay | None  # None: derive it from the current price
    entry: Entry
    leverage: Decimal | None
    margin: Margin | None
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None


@value(kw_only=True)
class CancelIntent(Intent):
    symbol: str
    what: CancelWhat = CancelWhat.ALL
    side: PosSide | None = None


@value
class Policy:
    max_leverage: Decimal | None = None
    max_position_notional: Decimal | None = None
    max_order_notional: Decimal | None = None
    max_transfer: Decimal | None = None
    allowed_symbols: frozenset[str] | None = None
    require_stop_loss: bool = False
    allow_risk_increase: bool = False
    loc: Locator = field(default=_no_location, compare=False, repr=False)


@value
class PlanIntents:
    name: str
    plan_hash: str
    path: str
    intents: tuple[Intent, ...]
    policy: Policy = Policy()

    def symbols(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for intent in self.intents:
            symbol = getattr(intent, "symbol", None)
            if isinstance(symbol, str):
                seen[symbol] = None
        return tuple(seen)

    @property
    def moves_funds(self) -> bool:
        return any(isinstance(i, BalanceIntent | TransferIntent) for i in self.intents)

    @property
    def fee_sensitive(self) -> bool:
        """A step whose actions, not only its estimates, follow the account's fee rates: a size
        from the risk taken (the fees count in the loss), a breakeven stop or a stop rule (the
        entry moved by both fees), a top-up (it covers the later steps' margin and fees)."""
        for i in self.intents:
            if isinstance(i, BalanceIntent):
                return True
            if isinstance(i, PositionIntent) and (i.risk is not None or i.stop_rules):
                return True
            if isinstance(i, PositionIntent | TpSlIntent) and any(
                isinstance(p, Trigger) and p.breakeven for p in (i.take_profit, i.stop_loss)
            ):
                return True
        return False

    @property
    def mode_sensitive(self) -> bool:
        return any(isinstance(i, ModeIntent) for i in self.intents)

    @property
    def cross_sensitive(self) -> bool:
        """A step that may hold a cross position (margin cross, or inherited) or moves margin
        out: its liquidation is estimated on the margin every cross position shares, so every
        position of the account is read (in the same round)."""
        for i in self.intents:
            if isinstance(i, PositionIntent | PlanOrderIntent) and i.margin is not Margin.ISOLATED:
                return True
            if isinstance(i, LeverageIntent) and i.margin is Margin.CROSS:
                return True
            if isinstance(i, TransferIntent) and not i.to_futures:
                return True
        return False


def once_per_of(intent: Intent) -> Period | None:
    """The period of an action step that runs at most once per period (None: every apply)."""
    period = getattr(intent, "once_per", None)
    return period if isinstance(period, Period) else None
