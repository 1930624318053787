"""The executor's view of the exchange: a narrow port, implemented over the trade client.

Keeping it narrow keeps the exactly-once logic testable against a fake exchange, and makes the
promise explicit: the executor only ever *sends an action* or *reads facts*.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from runner.compiler.actions import Action
from runner.compiler.snapshot import Snapshot
from runner.values import value


class WriteRejected(Exception):
    """The exchange answered and refused the write: nothing happened (except code 40050)."""

    def __init__(self, code: int, message: str, trace: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.trace = trace


class WriteOutcomeUnknown(Exception):
    """The write may or may not have reached the exchange (timeout, reset, 5xx, dropped)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


DUPLICATE_CLIENT_ORDER_ID = 40050


@value
class Sent:
    trace: str | None
    order_id: str | None = None


@value
class OrderFact:
    order_id: str
    client_order_id: str
    symbol: str
    finished: bool
    size: Decimal
    filled: Decimal
    average_price: Decimal


@value
class TransferFact:
    transfer_id: str
    amount: Decimal
    to_futures: bool
    time_ms: int
    finished: bool


@value
class TransferList:
    """The transfers the exchange listed at one moment (this machine's wall clock, ms: an age
    measured on it does not move when the offset to the exchange's clock is measured)."""

    records: tuple[TransferFact, ...]
    read_at_ms: int


class ExchangePort(Protocol):
    def send(self, action: Action) -> Sent: ...

    def snapshot(self, symbols: Sequence[str], *, whole_account: bool = False) -> Snapshot: ...

    def find_order(self, symbol: str, client_order_id: str) -> OrderFact | None: ...

    def read_round(
        self,
        symbols: Sequence[str],
        history: Sequence[tuple[str, str]],
        *,
        whole_account: bool = False,
    ) -> tuple[Snapshot, dict[str, OrderFact | None]]:
        """The snapshot, and the orders (symbol, client order id) looked up in order history,
        all in one parallel round: client order id -> the order, or None if history has none."""
        ...

    def transfers_since(self, since_ms: int) -> Sequence[TransferFact]: ...

    def now_ms(self) -> int: ...
