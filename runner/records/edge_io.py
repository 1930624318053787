"""What the edge reads the exchange through, beyond the snapshot: history and the clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
R = TypeVar("R")


class HistorySource(Protocol):
    def order_history(
        self,
        symbol: str,
        *,
        client_order_id: str | None = None,
        start_s: int | None = None,
        end_s: int | None = None,
    ) -> Sequence[Any]: ...


class _Clock(Protocol):
    def now_ms(self) -> int: ...


class ClockSource(Protocol):
    @property
    def transport(self) -> _Clock: ...

    def sync_clock(self) -> int: ...


def in_parallel(read: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``read`` of every item at once (independent history reads: one round, not one each)."""
    if len(items) < 2:
        return [read(item) for item in items]
    with ThreadPoolExecutor(max_workers=len(items), thread_name_prefix="history") as pool:
        return list(pool.map(read, items))


def exchange_now_ms(client: ClockSource) -> int:
    """The exchange's clock (periods and history windows are on it, not on this machine's)."""
    client.sync_clock()
    return client.transport.now_ms()


@runtime_checkable
class TransferHistory(Protocol):
    """The transfer list is a signed POST: only the trading client has it (apply, not plan)."""

    def transfer_list(self, *, start_ms: int | None = None) -> Sequence[Any]: ...
