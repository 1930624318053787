"""Closed sets of the futures domain, shared by the plan language, the compiler and the account.

The exchange's wire codes for them live in ``runner.exchange`` only.
"""

from __future__ import annotations

from enum import StrEnum


class PosSide(StrEnum):
    LONG = "long"
    SHORT = "short"


class Margin(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class Mode(StrEnum):
    HEDGE = "hedge"
    ONE_WAY = "one_way"


class TriggerKind(StrEnum):
    PLAN = "plan"
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"


class PriceSource(StrEnum):
    LAST = "last"
    MARK = "mark"


class OrderSide(StrEnum):
    """What an order does to a position: open or close, long or short (BitMart's four sides;
    their wire codes live in ``runner.exchange.requests``)."""

    OPEN_LONG = "open_long"
    CLOSE_SHORT = "close_short"
    CLOSE_LONG = "close_long"
    OPEN_SHORT = "open_short"

    @classmethod
    def opening(cls, side: PosSide) -> OrderSide:
        return cls.OPEN_LONG if side is PosSide.LONG else cls.OPEN_SHORT

    @classmethod
    def closing(cls, side: PosSide) -> OrderSide:
        """The reduce-only side that closes a position on ``side`` (also its TP/SL side)."""
        return cls.CLOSE_LONG if side is PosSide.LONG else cls.CLOSE_SHORT

    @property
    def opens(self) -> bool:
        return self in (OrderSide.OPEN_LONG, OrderSide.OPEN_SHORT)

    @property
    def position(self) -> PosSide:
        """The side of the position the order opens or closes."""
        long_sides = (OrderSide.OPEN_LONG, OrderSide.CLOSE_LONG)
        return PosSide.LONG if self in long_sides else PosSide.SHORT


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"


class TimeInForce(StrEnum):
    GTC = "gtc"
    FOK = "fok"
    IOC = "ioc"
    MAKER_ONLY = "maker_only"


class PriceWay(StrEnum):
    """Which way the price must move to reach a plan order's trigger."""

    RISE = "rise"
    FALL = "fall"


class TpSlScope(StrEnum):
    """A TP/SL order closes the whole position, or a fixed size of it (a ladder level)."""

    POSITION = "position"
    PARTIAL = "partial"


class CancelWhat(StrEnum):
    """Which kinds of resting orders a `cancel` step removes."""

    ALL = "all"
    ORDERS = "orders"
    PLAN_ORDERS = "plan_orders"
    TP_SL = "tp_sl"


class Period(StrEnum):
    """``once_per``: at most one execution per UTC day, ISO week or calendar month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
