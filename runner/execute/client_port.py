"""The executor's port over the real trade client.

Translates the client's errors into the two facts the executor reasons with: the exchange
*refused* the write (``WriteRejected``: nothing happened, except a duplicate id) or the outcome is
*unknown* (``WriteOutcomeUnknown``: reconcile before anything else).  Reads go through the same
snapshot reader ``plan`` uses, so apply verifies against exactly what plan checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from runner.account import KnownFee, Needs, read_snapshot
from runner.compiler import actions as act
from runner.compiler.snapshot import Snapshot
from runner.domain import Mode
from runner.exchange import TradeClient
from runner.exchange.errors import ApiError, OutcomeUnknown
from runner.exchange.requests import request_for
from runner.execute.effects import TRANSFER_SKEW_MS
from runner.execute.port import (
    OrderFact,
    Sent,
    TransferFact,
    TransferList,
    WriteOutcomeUnknown,
    WriteRejected,
)

FINISHED = 4  # order state: finished (facts §7.4)
# Order history only reaches back a limited window (seconds); a run never spans more than a day.
HISTORY_WINDOW_S = 24 * 3600


class ClientPort:
    def __init__(
        self,
        client: TradeClient,
        *,
        target: str,
        needs: Needs,
        now: Callable[[], datetime],
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        fees: Mapping[str, KnownFee] | None = None,
        mode: Mode | None = None,
    ) -> None:
        self.client = client
        self.fees = fees
        self.target = target
        self.needs = needs
        self.mode = mode  # the position mode read before the run
        self._now = now
        self._wall_ms = wall_ms
        self._leverage_set: set[str] = set()  # symbols whose setting a write of this run changed

    def send(self, action: act.Action) -> Sent:
        if isinstance(action, act.SetLeverage):
            self._leverage_set.add(action.symbol)
        try:
            request = request_for(action)
            reply = self.client.post(
                request.path, request.body, client_order_id=action.client_order_id
            )
        except OutcomeUnknown as exc:
            raise WriteOutcomeUnknown(exc.detail) from None
        except ApiError as exc:
            # the fix travels with the refusal (a wrong secret, a read-only key): the report
            # shows it under the step, as it does for a read that fails before a write
            hint = f"\nhint: {exc.remediation}" if exc.remediation else ""
            raise WriteRejected(exc.code, exc.message + hint, exc.trace) from None
        return Sent(trace=reply.trace, order_id=_order_id(reply.data))

    def snapshot(self, symbols: Sequence[str], *, whole_account: bool = False) -> Snapshot:
        return read_snapshot(
            self.client,
            symbols,
            target=self.target,
            needs=self.needs,
            now=self._now,
            known_fees=self.fees,
            # the report after an apply shows every position, not only the plan's symbols
            whole_account=whole_account,
            known_mode=self.mode,
            settings_of=self._leverage_set,
        )

    def find_order(self, symbol: str, client_order_id: str) -> OrderFact | None:
        """Open orders first (a resting limit), then history filtered by the client order id."""
        for order in self.client.open_orders(symbol):
            if order.client_order_id == client_order_id:
                return _fact(order)
        return self.order_in_history(symbol, client_order_id)

    def read_round(
        self,
        symbols: Sequence[str],
        history: Sequence[tuple[str, str]],
        *,
        whole_account: bool = False,
    ) -> tuple[Snapshot, dict[str, OrderFact | None]]:
        """The snapshot and the history lookups at once: none waits for another."""
        if not history:
            return self.snapshot(symbols, whole_account=whole_account), {}
        with ThreadPoolExecutor(max_workers=len(history) + 1, thread_name_prefix="round") as pool:
            snapshot = pool.submit(self.snapshot, symbols, whole_account=whole_account)
            found = {cid: pool.submit(self.order_in_history, sym, cid) for sym, cid in history}
            return snapshot.result(), {cid: f.result() for cid, f in found.items()}

    def order_in_history(self, symbol: str, client_order_id: str) -> OrderFact | None:
        now_s = self.now_ms() // 1000
        history = self.client.order_history(
            symbol,
            client_order_id=client_order_id,
            start_s=now_s - HISTORY_WINDOW_S,
            end_s=now_s + 60,
        )
        for order in history:
            if order.client_order_id == client_order_id:
                return _fact(order)
        return None

    def transfers_since(self, since_ms: int) -> Sequence[TransferFact]:
        records = self.client.transfer_list(start_ms=since_ms)
        return tuple(
            TransferFact(
                transfer_id=r.transfer_id,
                amount=r.amount,
                to_futures=r.direction == "spot_to_contract",
                time_ms=r.time_ms,
                finished=str(r.state).upper() == "FINISHED",
            )
            for r in records
        )

    def transfers_listing(self) -> TransferList:
        """What the exchange lists now, as far back as a transfer's match may reach."""
        records = tuple(self.transfers_since(self.now_ms() - TRANSFER_SKEW_MS))
        return TransferList(records, read_at_ms=self._wall_ms())

    def sync_clock(self) -> None:
        """Measure the offset to the exchange's clock (one /system/time read)."""
        self.client.sync_clock()

    def now_ms(self) -> int:
        """Exchange time as the client knows it (local clock plus any measured offset)."""
        offset = getattr(self.client, "clock_offset_ms", 0)
        return self._wall_ms() + int(offset or 0)


def _order_id(data: Any) -> str | None:
    if isinstance(data, dict) and data.get("order_id") not in (None, ""):
        return str(data["order_id"])
    return None


def _fact(order: Any) -> OrderFact:
    return OrderFact(
        order_id=str(order.order_id),
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        finished=int(order.state) == FINISHED,
        size=order.size,
        filled=order.filled,
        average_price=order.avg_price,
    )
