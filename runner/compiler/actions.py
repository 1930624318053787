"""Actions: the exchange writes a plan resolves to, as plain domain values.

``plan`` renders them; a saved plan stores them; ``apply`` executes them in order.  The wire
request an action becomes (path, body, BitMart's numeric codes) is built in one place,
``runner.exchange.requests``, so the diff, the journal and the executor describe the same thing.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal
from enum import StrEnum

from runner.domain import (
    Margin,
    Mode,
    OrderSide,
    OrderType,
    PosSide,
    PriceSource,
    PriceWay,
    TimeInForce,
    TpSlScope,
    TriggerKind,
)
from runner.values import value


class Category(StrEnum):
    ORDER = "orders"
    TP_SL = "tp_sl"
    TRANSFER = "transfers"
    SETTING = "settings"


class Op(StrEnum):
    CREATE = "+"
    REMOVE = "-"
    CHANGE = "~"


def placeholder_id(origin: str, side: PosSide) -> str:
    """The id of a TP/SL an earlier action of the same plan creates: it exists only once that
    action ran, so the executor looks the real id up then (see ``placeholder_side``)."""
    return f"({origin} {side.value})"


def placeholder_side(order_id: str) -> PosSide | None:
    if not (order_id.startswith("(") and order_id.endswith(")")):
        return None
    try:
        return PosSide(order_id[1:-1].split()[-1])
    except ValueError:
        return None


@value
class Protection:
    """A TP or SL trigger attached to an opening order (preset) or a position."""

    trigger: Decimal
    source: PriceSource
    percent: Decimal | None = None  # set when the plan gave "+5%"/"-3%": re-resolved after the fill


@value(kw_only=True)
class Action:
    step_index: int  # 0-based index of the plan step that produced it
    op: Op
    category: Category
    summary: str
    runs_every_apply: bool = False  # from an action step (open/close/transfer)

    @property
    def client_order_id(self) -> str | None:
        return None


@value(kw_only=True)
class OnSymbol(Action):
    """An action on one contract."""

    symbol: str


@value(kw_only=True)
class OnOrder(OnSymbol):
    """An action on one existing order of the contract, named by its exchange order id."""

    order_id: str


@value(kw_only=True)
class Transfer(Action):
    amount: Decimal
    to_futures: bool
    category: Category = Category.TRANSFER
    op: Op = Op.CHANGE


@value(kw_only=True)
class SetPositionMode(Action):
    mode: Mode
    category: Category = Category.SETTING
    op: Op = Op.CHANGE


@value(kw_only=True)
class SetLeverage(OnSymbol):
    leverage: Decimal
    margin: Margin
    category: Category = Category.SETTING
    op: Op = Op.CHANGE


@value(kw_only=True)
class SubmitOrder(OnSymbol):
    side: OrderSide
    size: Decimal
    order_type: OrderType
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    leverage: Decimal | None = None  # opening orders only
    margin: Margin | None = None
    cid: str
    take_profit: Protection | None = None  # preset, opening orders only
    stop_loss: Protection | None = None
    est_price: Decimal  # the fill price the estimate assumed
    category: Category = Category.ORDER
    op: Op = Op.CREATE

    @property
    def opens(self) -> bool:
        return self.side.opens

    @property
    def client_order_id(self) -> str | None:
        return self.cid


@value(kw_only=True)
class SubmitTpSl(OnSymbol):
    """Position TP/SL (whole position), or with ``size`` a fixed-quantity one (a ladder level);
    executed at market when it fires."""

    side: PosSide  # the position's side
    kind: TriggerKind  # TAKE_PROFIT or STOP_LOSS
    protection: Protection
    cid: str
    size: Decimal | None = None  # fixed quantity (TpSlScope.PARTIAL); None = whole position
    level: int | None = None  # the ladder level (1-based) this order is
    step_key: str = ""  # the step that placed it (ladder levels are remembered by step and level)
    category: Category = Category.TP_SL
    op: Op = Op.CREATE

    @property
    def scope(self) -> TpSlScope:
        return TpSlScope.POSITION if self.size is None else TpSlScope.PARTIAL

    @property
    def client_order_id(self) -> str | None:
        return self.cid


@value(kw_only=True)
class ModifyTpSl(OnOrder):
    kind: TriggerKind
    protection: Protection
    previous: Protection
    scope: TpSlScope = TpSlScope.POSITION
    category: Category = Category.TP_SL
    op: Op = Op.CHANGE


@value(kw_only=True)
class CancelTrigger(OnOrder):
    """Cancel one plan or TP/SL order (cancel-plan-order by order id)."""

    category: Category = Category.TP_SL
    op: Op = Op.REMOVE


@value(kw_only=True)
class CancelOrder(OnOrder):
    expired: bool = False  # an entry cancelled by expire_after: its step is completed
    category: Category = Category.ORDER
    op: Op = Op.REMOVE


@value(kw_only=True)
class ModifyLimitOrder(OnOrder):
    """A resting limit order's new price and/or total size (modify-limit-order, facts 10.9)."""

    client_order_id_ref: str = ""  # the order's own client id, for reconciling by lookup
    price: Decimal | None = None
    size: Decimal | None = None
    category: Category = Category.ORDER
    op: Op = Op.CHANGE


@value(kw_only=True)
class ModifyPreset(OnOrder):
    """New preset TP/SL on a resting order or a waiting plan order (modify-preset-plan-order)."""

    take_profit: Protection | None = None  # None: that leg is left as it is
    stop_loss: Protection | None = None
    on_plan_order: bool = False  # the carrier is a plan order (else a resting limit order)
    category: Category = Category.ORDER
    op: Op = Op.CHANGE


@value(kw_only=True)
class ModifyPlanOrder(OnOrder):
    """A waiting plan order's trigger and execution (modify-plan-order, facts 10.5)."""

    trigger: Decimal
    source: PriceSource
    order_type: OrderType
    executive_price: Decimal | None = None
    category: Category = Category.ORDER
    op: Op = Op.CHANGE


@value(kw_only=True)
class CancelTrailing(OnOrder):
    category: Category = Category.ORDER
    op: Op = Op.REMOVE


@value(kw_only=True)
class SubmitTrailing(OnSymbol):
    """A trailing order closing the position (submit-trail-order; it takes no client order id,
    so it is recognised by symbol, closing side and parameters)."""

    side: PosSide  # the position's side
    size: Decimal
    activation: Decimal
    source: PriceSource
    callback: Decimal  # percent, 0.1 to 5
    leverage: Decimal
    margin: Margin
    category: Category = Category.ORDER
    op: Op = Op.CREATE


@value(kw_only=True)
class SubmitPlanOrder(OnSymbol):
    side: OrderSide
    size: Decimal
    trigger: Decimal
    source: PriceSource
    price_way: PriceWay
    order_type: OrderType
    executive_price: Decimal | None
    time_in_force: TimeInForce
    leverage: Decimal
    margin: Margin
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    step_key: str = ""  # identifies the plan step across runs (plan orders carry no client id)
    category: Category = Category.ORDER
    op: Op = Op.CREATE


# --- client order ids --------------------------------------------------------------------------

_ALPHABET = string.digits + string.ascii_uppercase  # base36, letters and digits only


def _base36(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        chars.append(_ALPHABET[digit])
    return "".join(chars)


def plan_tag(plan_name: str) -> str:
    """6 base36 chars naming the plan: orders of a plan are recognisable across edits and runs."""
    return _base36(hashlib.sha256(plan_name.encode()).digest(), 6)


def step_tag(step_key: str) -> str:
    """3 base36 chars naming the step: its id if it has one, else its position."""
    return _base36(hashlib.sha256(step_key.encode()).digest(), 3)


PERIODIC_PURPOSES = frozenset({"O", "C"})  # the open of an open step, the close of a close step
NONCE_ID_LENGTH = 18  # BR + plan tag 6 + step tag 3 + purpose + nonce 6; a period id is longer


def nonce_of(client_order_id: str) -> str | None:
    """The run nonce an id carries, or None for an id that carries a period instead."""
    return client_order_id[-6:] if len(client_order_id) == NONCE_ID_LENGTH else None


@value
class OrderIds:
    """Deterministic client order ids: ``BR`` + plan tag + step tag + purpose + run nonce.

    Letters and digits only, 18 characters (BitMart allows 32).  The plan and step tags let a
    later run recognise the orders this plan placed; the nonce (fixed for one apply run, reused
    when an unfinished run is reconciled) keeps a new intent distinct from a finished old one.
    """

    plan_name: str
    nonce: str = field(default="000000")
    # step key -> period tag of a `once_per` step: its open/close carries the period instead of
    # the nonce, so the same step in the same period has the same id on every machine
    periods: Mapping[str, str] = field(default_factory=dict)

    def prefix(self, step_key: str) -> str:
        return f"BR{plan_tag(self.plan_name)}{step_tag(step_key)}"

    def make(self, step_key: str, purpose: str) -> str:
        assert len(purpose) == 1 and purpose.isalnum()
        if step_key in self.periods and purpose in PERIODIC_PURPOSES:
            return f"{self.prefix(step_key)}{purpose.upper()}{self.periods[step_key]}"
        nonce = "".join(ch for ch in self.nonce.upper() if ch.isalnum())[:6].rjust(6, "0")
        return f"{self.prefix(step_key)}{purpose.upper()}{nonce}"

    def plan_prefix(self) -> str:
        return f"BR{plan_tag(self.plan_name)}"
