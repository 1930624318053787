"""The plan as the user wrote it: frozen values, Decimal numbers, enums, and where each was written.

Nothing here is resolved: a step that leaves out its symbol says ``symbol=None`` and the plan's
``defaults`` fill it in later (``runner.compiler.adapt``).  Every value can be traced back to its
line and column through ``Plan.locations`` (JSON pointer -> Location) and the helpers below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal
from enum import Enum, StrEnum
from typing import ClassVar

from runner.domain import (
    CancelWhat,
    Margin,
    Mode,
    OrderType,
    Period,
    PosSide,
    PriceSource,
    TimeInForce,
)
from runner.findings import Location
from runner.plan import pointer
from runner.values import value

# The plan speaks the domain's vocabulary (runner.domain): one definition of each closed set.
Side = PosSide
MarginMode = Margin
PriceType = PriceSource


PositionMode = Mode


class Direction(StrEnum):
    RISES = "rises"
    FALLS = "falls"


class TransferDirection(StrEnum):
    TO_FUTURES = "to_futures"
    TO_SPOT = "to_spot"


class Absent(Enum):
    """The key is not in the plan (for TP/SL: leave the exchange as it is)."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT


# Every value below is a ``@value``: a frozen dataclass whose ``__eq__``, ``__hash__`` and
# ``__repr__`` are written once (runner.values).


@value
class PriceLevel:
    """An absolute price, a percentage of the entry price ("+5%" -> percent=5), or (stop-loss
    only) break-even: the entry moved by the open and close fees."""

    price: Decimal | None = None
    percent: Decimal | None = None
    breakeven: bool = False

    @property
    def relative(self) -> bool:
        return self.percent is not None or self.breakeven


@value
class Trigger:
    """A take-profit or stop-loss: where it fires and which price it watches."""

    level: PriceLevel
    price_type: PriceType | None = None


Protection = Trigger | None | Absent  # None = "none wanted", ABSENT = "not mentioned"


@value
class LadderLevel:
    """One take-profit of a ladder: closes ``size`` contracts (or ``percent`` of the step's size;
    neither = the rest of the position) when ``trigger`` is reached."""

    trigger: Trigger
    size: Decimal | None = None
    percent: Decimal | None = None

    @property
    def takes_rest(self) -> bool:
        return self.size is None and self.percent is None


@value
class Entry:
    """How a step enters: market or limit (price, time in force, expiry)."""

    type: OrderType = OrderType.MARKET
    price: Decimal | None = None
    mode: TimeInForce | None = None
    expire_after_s: int | None = None  # position steps, limit entries: exchange-clock seconds


class ReentryWhen(StrEnum):
    NEVER = "never"
    ALWAYS = "always"
    AFTER = "after"


@value
class Reentry:
    """What a position step does once the position it held was closed by the market."""

    when: ReentryWhen = ReentryWhen.NEVER
    after_s: int | None = None  # with AFTER: exchange-clock seconds since the close


@value
class TrailingStop:
    """A trailing order on the position: activates at ``activation``, closes on a retrace of
    ``callback`` percent from the best price since."""

    activation: PriceLevel
    callback: Decimal  # percent
    price_type: PriceType | None = None


Trailing = TrailingStop | None | Absent  # None = "none wanted", ABSENT = "not mentioned"


@value
class StopRule:
    """``after: tpN`` -> ``move_stop_to: breakeven`` (``to_level=None``) or ``tpM``."""

    after: int
    to_level: int | None = None


@value
class Risk:
    """Size from the loss at the stop: ``usdt`` or ``equity_pct`` of the futures equity."""

    usdt: Decimal | None = None
    equity_pct: Decimal | None = None


@value(kw_only=True)
class Step:
    """One entry of `steps`: where it stands, its id and note; ``kind`` names it."""

    kind: ClassVar[str] = ""
    index: int  # 0-based position in `steps`
    id: str | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        return self.id if self.id is not None else f"#{self.index + 1}"

    @property
    def pointer(self) -> str:
        return pointer.join("/steps", self.index)

    @property
    def body_pointer(self) -> str:
        return pointer.join(self.pointer, self.kind)

    def field_pointer(self, field_path: str) -> str:
        """`entry.price` -> `/steps/<i>/<kind>/entry/price`; "" -> the step itself."""
        if not field_path:
            return self.pointer
        return pointer.join(self.body_pointer, *field_path.split("."))


@value(kw_only=True)
class PositionStep(Step):
    """`position`: hold this position (a target: re-sized and protected on every apply)."""

    kind: ClassVar[str] = "position"
    symbol: str | None = None
    side: Side
    size: Decimal | None = None
    notional: Decimal | None = None
    leverage: Decimal | None = None
    margin: MarginMode | None = None
    entry: Entry | None = None
    take_profit: Protection = ABSENT
    stop_loss: Protection = ABSENT
    reentry: Reentry | None = None  # position steps only (an open runs every apply anyway)
    rebalance_band: Decimal | None = None  # percent: re-size a notional only beyond this band
    ladder: tuple[LadderLevel, ...] = ()  # take_profit given as a list (then take_profit=None)
    trailing_stop: Trailing = ABSENT
    risk: Risk | None = None  # instead of size / notional
    stop_rules: tuple[StopRule, ...] = ()


@value(kw_only=True)
class OpenStep(PositionStep):
    """`open`: add to the position once per apply (or once per period)."""

    kind: ClassVar[str] = "open"
    once_per: Period | None = None


@value(kw_only=True)
class CloseStep(Step):
    """`close`: reduce or close a position."""

    kind: ClassVar[str] = "close"
    symbol: str | None = None
    side: Side
    size: Decimal | None  # None = all
    entry: Entry | None = None
    once_per: Period | None = None


@value(kw_only=True)
class TpSlStep(Step):
    """`tp_sl`: set or clear the take-profit and stop-loss of a position."""

    kind: ClassVar[str] = "tp_sl"
    symbol: str | None = None
    side: Side
    take_profit: Protection = ABSENT
    stop_loss: Protection = ABSENT


@value(kw_only=True)
class LeverageStep(Step):
    """`leverage`: leverage and margin mode of a symbol."""

    kind: ClassVar[str] = "leverage"
    symbol: str | None = None
    leverage: Decimal | None = None
    margin: MarginMode | None = None


@value(kw_only=True)
class PositionModeStep(Step):
    """`position_mode`: hedge or one-way."""

    kind: ClassVar[str] = "position_mode"
    mode: PositionMode


@value(kw_only=True)
class EnsureBalanceStep(Step):
    """`ensure_balance`: at least this much available in futures."""

    kind: ClassVar[str] = "ensure_balance"
    min_available: Decimal


@value(kw_only=True)
class TransferStep(Step):
    """`transfer`: move USDT between spot and futures."""

    kind: ClassVar[str] = "transfer"
    amount: Decimal
    direction: TransferDirection
    once_per: Period | None = None


@value(kw_only=True)
class PlanOrderStep(Step):
    """`plan_order`: a conditional order that fires at a trigger price."""

    kind: ClassVar[str] = "plan_order"
    symbol: str | None = None
    side: Side
    size: Decimal
    trigger: PriceLevel
    price_type: PriceType | None = None
    direction: Direction | None = None
    order: Entry | None = None
    leverage: Decimal | None = None
    margin: MarginMode | None = None
    reduce_only: bool = False
    take_profit: PriceLevel | None = None
    stop_loss: PriceLevel | None = None


@value(kw_only=True)
class CancelStep(Step):
    """`cancel`: orders, TP/SL or plan orders of a symbol."""

    kind: ClassVar[str] = "cancel"
    symbol: str | None = None
    what: CancelWhat = CancelWhat.ALL
    side: Side | None = None


@value
class Policy:
    """The plan's guardrails, checked at validate and plan time."""

    max_leverage: Decimal | None = None
    max_position_notional: Decimal | None = None
    max_order_notional: Decimal | None = None
    max_transfer: Decimal | None = None
    allowed_symbols: tuple[str, ...] | None = None
    require_stop_loss: bool = False
    allow_risk_increase: bool = False


@value
class Defaults:
    """Values every step that leaves them out takes."""

    symbol: str | None = None
    margin: MarginMode | None = None
    leverage: Decimal | None = None
    price_type: PriceType | None = None


# fields a step may leave to `defaults` (by the last component of the field path)
DEFAULTED = frozenset({"symbol", "leverage", "margin", "price_type"})


@value
class Plan:
    """A whole plan file: its steps, policy, defaults and where each value was written."""

    path: str
    sha256: str  # of the file's bytes
    version: int
    name: str
    steps: tuple[Step, ...]
    description: str | None = None
    policy: Policy | None = None
    defaults: Defaults = Defaults()
    locations: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)
    key_locations: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def locate(self, at: str) -> Location:
        """Where the value at JSON pointer ``at`` (or its nearest written ancestor) starts."""
        for candidate in pointer.ancestors(at):
            if candidate in self.locations:
                return self.locations[candidate]
        return Location(self.path, 1, 1)

    def field_location(self, step: Step, field_path: str = "") -> Location:
        """Where a step's field was written; a defaulted field points into `defaults`."""
        at = step.field_pointer(field_path)
        if at in self.locations or not field_path:
            return self.locate(at)
        default = pointer.join("/defaults", field_path.rsplit(".", 1)[-1])
        if default.rsplit("/", 1)[-1] in DEFAULTED and default in self.locations:
            return self.locations[default]
        return self.locate(at)
