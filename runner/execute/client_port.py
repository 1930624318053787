"""The executor's port over the real trade client.

Translates the client's errors into the two facts the executor reasons with: the exchange
*refused* the write (``WriteRejected``: nothing happened, except a duplicate id) or the outcome is
*unknown* (``WriteOutcomeUnknown``: reconcile before anything else).  Reads go through the same
snapshot reader ``plan`` uses, so apply verifies against exactly what plan checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from runner.account import KnownFee, Needs, read_snapshot
from runner.compiler import actions as act
from runner.compiler.snapshot import Snapshot
from runner.exchange import TradeClient
from runner.exchange.errors import ApiError, OutcomeUnknown
from runner.exchange.requests import request_for
from runner.execute.port import OrderFact, Sent, TransferFact, WriteOutcomeUnknown, WriteRejected

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
    ) -> None:
        self.client = client
        self.fees = fees
        self.target = target
        self.needs = needs
        self._now = now
        self._wall_ms = wall_ms

    def send(self, action: act.Action) -> Sent:
        try:
            request = request_for(action)
            reply = self.client.post(
                request.path, request.body, client_order_id=action.client_order_id
            )
        except OutcomeUnknown as exc:
            raise WriteOutcomeUnknown(exc.detail) from None
        except ApiError as exc:
            raise WriteRejected(exc.code, exc.message, exc.trace) from None
        return Sent(trace=reply.trace, order_id=_order_id(reply.data))

    def snapshot(self, symbols: Sequence[str], *, whole_account: bool = False) -> Snapshot:
        return read_snapshot(
            self.client,
            symbols,
            target=self.target,
            # the report after an apply shows every position, not only the plan's symbols
            needs=replace(self.needs, mode=True) if whole_account else self.needs,
            now=self._now,
            known_fees=self.fees,
        )

    def find_order(self, symbol: str, client_order_id: str) -> OrderFact | None:
        """Open orders first (a resting limit), then history filtered by the client order id."""
        for order in self.client.open_orders(symbol):
            if order.client_order_id == client_order_id:
                return _fact(order)
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
