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
