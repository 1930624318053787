"""Actions: the exact exchange writes a plan resolves to, as values.

``plan`` renders them; a saved plan stores them; ``apply`` executes them in order.  Each action
knows the wire request it becomes (``request()``: path + body, nothing secret) so the diff, the
journal and the executor all describe the same thing.
"""

from __future__ import annotations

import hashlib
import string
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from runner.domain import Margin, Mode, PosSide, PriceSource
from runner.money import plain


class Category(StrEnum):
    ORDER = "orders"
    TP_SL = "tp_sl"
    TRANSFER = "transfers"
    SETTING = "settings"


class Op(StrEnum):
    CREATE = "+"
    REMOVE = "-"
    CHANGE = "~"


_TIF_CODES = {"gtc": 1, "fok": 2, "ioc": 3, "maker_only": 4}
_PRICE_TYPE = {PriceSource.LAST: 1, PriceSource.MARK: 2}


def open_side_code(side: PosSide) -> int:
    return 1 if side is PosSide.LONG else 4


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


def close_side_code(side: PosSide) -> int:
    """The reduce-only side that closes a position on ``side`` (also the TP/SL side)."""
    return 3 if side is PosSide.LONG else 2



@dataclass(frozen=True)
class Protection:
    """A TP or SL trigger attached to an opening order (preset) or a position."""

    trigger: Decimal
    source: PriceSource
    percent: Decimal | None = None  # set when the plan gave "+5%"/"-3%": re-resolved after the fill


@dataclass(frozen=True, kw_only=True)
class Action(ABC):
    step_index: int  # 0-based index of the plan step that produced it
    op: Op
    category: Category
    summary: str
    runs_every_apply: bool = False  # from an action step (open/close/transfer)

    @property
    @abstractmethod
    def path(self) -> str: ...

    @abstractmethod
    def body(self) -> dict[str, Any]: ...

    def request(self) -> dict[str, Any]:
        return {"path": self.path, "body": self.body()}

    @property
    def client_order_id(self) -> str | None:
        return None


@dataclass(frozen=True, kw_only=True)
class Transfer(Action):
    amount: Decimal
    to_futures: bool
    category: Category = Category.TRANSFER
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/account/v1/transfer-contract"

    def body(self) -> dict[str, Any]:
        return {
            "currency": "USDT",
            "amount": plain(self.amount),
            "type": "spot_to_contract" if self.to_futures else "contract_to_spot",
        }


@dataclass(frozen=True, kw_only=True)
class SetPositionMode(Action):
    mode: Mode
    category: Category = Category.SETTING
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/contract/private/set-position-mode"

    def body(self) -> dict[str, Any]:
        return {"position_mode": "hedge_mode" if self.mode is Mode.HEDGE else "one_way_mode"}


@dataclass(frozen=True, kw_only=True)
class SetLeverage(Action):
    symbol: str
    leverage: Decimal
    margin: Margin
    category: Category = Category.SETTING
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/contract/private/submit-leverage"

    def body(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "leverage": plain(self.leverage),
            "open_type": self.margin.value,
        }


@dataclass(frozen=True, kw_only=True)
class SubmitOrder(Action):
    symbol: str
    side_code: int
    size: Decimal
    order_type: str  # market | limit
    price: Decimal | None = None
    time_in_force: str = "gtc"
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
        return self.side_code in (1, 4)

    @property
    def path(self) -> str:
        return "/contract/private/submit-order"

    @property
    def client_order_id(self) -> str | None:
        return self.cid

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "symbol": self.symbol,
            "client_order_id": self.cid,
            "side": self.side_code,
            "type": self.order_type,
            "size": int(self.size),
        }
        if self.order_type == "limit":
            assert self.price is not None
            body["price"] = plain(self.price)
            body["mode"] = _TIF_CODES[self.time_in_force]
        if self.opens:
            assert self.leverage is not None and self.margin is not None
            body["leverage"] = plain(self.leverage)
            body["open_type"] = self.margin.value
            if self.take_profit is not None:
                body["preset_take_profit_price"] = plain(self.take_profit.trigger)
                body["preset_take_profit_price_type"] = _PRICE_TYPE[self.take_profit.source]
            if self.stop_loss is not None:
                body["preset_stop_loss_price"] = plain(self.stop_loss.trigger)
                body["preset_stop_loss_price_type"] = _PRICE_TYPE[self.stop_loss.source]
        return body


@dataclass(frozen=True, kw_only=True)
class SubmitTpSl(Action):
    """Position TP/SL (plan_category 2, whole position, executed at market)."""

    symbol: str
    side: PosSide  # the position's side
    kind: str  # take_profit | stop_loss
    protection: Protection
    cid: str
    category: Category = Category.TP_SL
    op: Op = Op.CREATE

    @property
    def path(self) -> str:
        return "/contract/private/submit-tp-sl-order"

    @property
    def client_order_id(self) -> str | None:
        return self.cid

    def body(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "type": self.kind,
            "side": close_side_code(self.side),
            "trigger_price": plain(self.protection.trigger),
            "executive_price": "0",
            "price_type": _PRICE_TYPE[self.protection.source],
            "plan_category": 2,
            "category": "market",
            "client_order_id": self.cid,
        }


@dataclass(frozen=True, kw_only=True)
class ModifyTpSl(Action):
    symbol: str
    order_id: str
    kind: str
    protection: Protection
    previous: Protection
    category: Category = Category.TP_SL
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/contract/private/modify-tp-sl-order"

    def body(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "order_id": self.order_id,
            "trigger_price": plain(self.protection.trigger),
            "executive_price": "0",
            "price_type": _PRICE_TYPE[self.protection.source],
            "plan_category": 2,
            "category": "market",
        }


@dataclass(frozen=True, kw_only=True)
class CancelTrigger(Action):
    """Cancel one plan or TP/SL order (cancel-plan-order by order id)."""

    symbol: str
    order_id: str
    category: Category = Category.TP_SL
    op: Op = Op.REMOVE

    @property
    def path(self) -> str:
        return "/contract/private/cancel-plan-order"

    def body(self) -> dict[str, Any]:
        return {"symbol": self.symbol, "order_id": self.order_id}


@dataclass(frozen=True, kw_only=True)
class CancelOrder(Action):
    symbol: str
    order_id: str
    expired: bool = False  # an entry cancelled by expire_after: its step is completed
    category: Category = Category.ORDER
    op: Op = Op.REMOVE

    @property
    def path(self) -> str:
        return "/contract/private/cancel-order"

    def body(self) -> dict[str, Any]:
        return {"symbol": self.symbol, "order_id": self.order_id}


@dataclass(frozen=True, kw_only=True)
class ModifyLimitOrder(Action):
    """A resting limit order's new price and/or total size (modify-limit-order, facts 10.9)."""

    symbol: str
    order_id: str
    client_order_id_ref: str = ""  # the order's own client id, for reconciling by lookup
    price: Decimal | None = None
    size: Decimal | None = None
    category: Category = Category.ORDER
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/contract/private/modify-limit-order"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"symbol": self.symbol, "order_id": self.order_id}
        if self.price is not None:
            body["price"] = plain(self.price)
        if self.size is not None:
            body["size"] = int(self.size)
        return body


@dataclass(frozen=True, kw_only=True)
class ModifyPreset(Action):
    """New preset TP/SL on a resting order or a waiting plan order (modify-preset-plan-order)."""

    symbol: str
    order_id: str
    take_profit: Protection | None = None  # None: that leg is left as it is
    stop_loss: Protection | None = None
    on_plan_order: bool = False  # the carrier is a plan order (else a resting limit order)
    category: Category = Category.ORDER
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/contract/private/modify-preset-plan-order"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"symbol": self.symbol, "order_id": self.order_id}
        if self.take_profit is not None:
            body["preset_take_profit_price"] = plain(self.take_profit.trigger)
            body["preset_take_profit_price_type"] = _PRICE_TYPE[self.take_profit.source]
        if self.stop_loss is not None:
            body["preset_stop_loss_price"] = plain(self.stop_loss.trigger)
            body["preset_stop_loss_price_type"] = _PRICE_TYPE[self.stop_loss.source]
        return body


@dataclass(frozen=True, kw_only=True)
class ModifyPlanOrder(Action):
    """A waiting plan order's trigger and execution (modify-plan-order, facts 10.5)."""

    symbol: str
    order_id: str
    trigger: Decimal
    source: PriceSource
    order_type: str  # market | limit
    executive_price: Decimal | None = None
    category: Category = Category.ORDER
    op: Op = Op.CHANGE

    @property
    def path(self) -> str:
        return "/contract/private/modify-plan-order"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "symbol": self.symbol,
            "order_id": self.order_id,
            "type": self.order_type,
            "trigger_price": plain(self.trigger),
            "price_type": _PRICE_TYPE[self.source],
        }
        if self.order_type == "limit":
            assert self.executive_price is not None
            body["executive_price"] = plain(self.executive_price)
        return body


@dataclass(frozen=True, kw_only=True)
class CancelTrailing(Action):
    symbol: str
    order_id: str
    category: Category = Category.ORDER
    op: Op = Op.REMOVE

    @property
    def path(self) -> str:
        return "/contract/private/cancel-trail-order"

    def body(self) -> dict[str, Any]:
        return {"symbol": self.symbol, "order_id": self.order_id}


@dataclass(frozen=True, kw_only=True)
class SubmitPlanOrder(Action):
    symbol: str
    side_code: int
    size: Decimal
    trigger: Decimal
    source: PriceSource
    price_way: int  # 1 fires on a rise to the trigger, 2 on a fall
    order_type: str  # market | limit
    executive_price: Decimal | None
    time_in_force: str
    leverage: Decimal
    margin: Margin
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    step_key: str = ""  # identifies the plan step across runs (plan orders carry no client id)
    category: Category = Category.ORDER
    op: Op = Op.CREATE

    @property
    def path(self) -> str:
        return "/contract/private/submit-plan-order"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "symbol": self.symbol,
            "side": self.side_code,
            "type": self.order_type,
            "size": int(self.size),
            "trigger_price": plain(self.trigger),
            "price_way": self.price_way,
            "price_type": _PRICE_TYPE[self.source],
            "leverage": plain(self.leverage),
            "open_type": self.margin.value,
            "mode": _TIF_CODES[self.time_in_force],
        }
        if self.order_type == "limit":
            assert self.executive_price is not None
            body["executive_price"] = plain(self.executive_price)
        if self.take_profit is not None:
            body["preset_take_profit_price"] = plain(self.take_profit)
            body["preset_take_profit_price_type"] = 1
        if self.stop_loss is not None:
            body["preset_stop_loss_price"] = plain(self.stop_loss)
            body["preset_stop_loss_price_type"] = 1
        return body


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


@dataclass(frozen=True)
class OrderIds:
    """Deterministic client order ids: ``BR`` + plan tag + step tag + purpose + run nonce.

    Letters and digits only, 18 characters (BitMart allows 32).  The plan and step tags let a
    later run recognise the orders this plan placed; the nonce (fixed for one apply run, reused
    when an unfinished run is reconciled) keeps a new intent distinct from a finished old one.
    """

    plan_name: str
    nonce: str = field(default="000000")

    def prefix(self, step_key: str) -> str:
        return f"BR{plan_tag(self.plan_name)}{step_tag(step_key)}"

    def make(self, step_key: str, purpose: str) -> str:
        assert len(purpose) == 1 and purpose.isalnum()
        nonce = "".join(ch for ch in self.nonce.upper() if ch.isalnum())[:6].rjust(6, "0")
        return f"{self.prefix(step_key)}{purpose.upper()}{nonce}"

    def plan_prefix(self) -> str:
        return f"BR{plan_tag(self.plan_name)}"
