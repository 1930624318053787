"""Reads after writes, in rounds: what the executor knows of the account since its last write.

A round is the account snapshot plus the order-history lookups of the market orders this run sent
and has not yet seen (a filled order leaves the open orders), sent together so that none waits for
another.  A limit order is looked for among the snapshot's open orders, where a resting one is.
A round stays valid until the next write, so the read that re-resolves a relative TP/SL after an
open is also the verification read when nothing has to move: no snapshot is taken twice with no
write between them.
"""

from __future__ import annotations

from collections.abc import Sequence

from runner.compiler import actions as act
from runner.compiler.snapshot import Snapshot, WorkingOrder
from runner.execute.port import ExchangePort, OrderFact


class Rounds:
    def __init__(self, port: ExchangePort, symbols: Sequence[str]) -> None:
        self.port = port
        self.symbols = tuple(symbols)
        self._fresh: Snapshot | None = None
        self._entries: Snapshot | None = None  # the last round, until an order is sent
        self._sent: list[act.SubmitOrder] = []  # orders applied this run, to verify
        self._seen: dict[str, OrderFact] = {}  # client order id -> found on the exchange

    def wrote(self) -> None:
        """A write is going out: whatever was read before is out of date."""
        self._fresh = None

    def sent_order(self, action: act.SubmitOrder) -> None:
        self._sent.append(action)
        self._entries = None

    def entries(self) -> Snapshot:
        """The positions' entry prices: the last round read unless an order went out since.
        Only an order moves an entry (a TP/SL placed or moved does not), so the levels of a
        ladder placed one after another are all resolved from the round after the open."""
        return self._entries if self._entries is not None else self.read()

    def read(self) -> Snapshot:
        """The account since the last write: the last round, or a new one."""
        if self._fresh is not None:
            return self._fresh
        unseen = [a for a in self._sent if a.cid not in self._seen]
        history = [(a.symbol, a.cid) for a in unseen if a.order_type == "market"]
        # the whole account (every position, the mode) in the same round: the apply report shows
        # it all, and no later read is needed for that
        snapshot, found = self.port.read_round(self.symbols, history, whole_account=True)
        wanted = {a.cid for a in unseen}
        for order in snapshot.open_orders:
            if order.client_order_id in wanted:
                self._seen[order.client_order_id] = _resting(order)
        for cid, fact in found.items():
            if fact is not None:
                self._seen.setdefault(cid, fact)
        self._fresh = self._entries = snapshot
        return snapshot

    def order(self, action: act.SubmitOrder) -> OrderFact | None:
        """The order as a round saw it; one no round saw is looked up on its own."""
        found = self._seen.get(action.cid)
        if found is None:
            found = self.port.find_order(action.symbol, action.cid)
            if found is not None:
                self._seen[action.cid] = found
        return found


def _resting(order: WorkingOrder) -> OrderFact:
    return OrderFact(
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        finished=False,
        size=order.size,
        filled=order.filled,
        average_price=order.price,
    )
