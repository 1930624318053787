"""An in-memory exchange behind the executor's port, with scriptable faults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal as D

from runner.compiler import actions as act
from runner.compiler.snapshot import Position, Snapshot, SymbolSetting, TriggerOrder
from runner.domain import Margin, OrderSide, TpSlScope, TriggerKind
from runner.exchange.requests import request_for
from runner.execute.port import OrderFact, Sent, TransferFact, WriteOutcomeUnknown, WriteRejected


@dataclass
class FakePort:
    snap: Snapshot
    fill_price: D = D(67000)
    # path -> list of faults consumed in order: "after" (commit, then lose the answer),
    # "before" (lose it without committing), ("reject", code)
    faults: dict[str, list[object]] = field(default_factory=dict)
    sent: list[act.Action] = field(default_factory=list)
    orders: dict[str, OrderFact] = field(default_factory=dict)
    transfers: list[TransferFact] = field(default_factory=list)
    clock_ms: int = 1_000_000
    reads: int = 0
    transfer_reads: int = 0
    transfer_reads_at_sends: list[int] = field(default_factory=list)  # before each transfer
    rounds: list[tuple[str, ...]] = field(default_factory=list)  # history looked up per round

    def now_ms(self) -> int:
        self.clock_ms += 10
        return self.clock_ms

    def send(self, action: act.Action) -> Sent:
        self.sent.append(action)
        if isinstance(action, act.Transfer):
            self.transfer_reads_at_sends.append(self.transfer_reads)
        queue = self.faults.get(request_for(action).path, [])
        fault = queue.pop(0) if queue else None
        if isinstance(fault, tuple):
            raise WriteRejected(int(fault[1]), "scripted rejection", "trace-r")
        cid = action.client_order_id
        if cid is not None and cid in self.orders:
            raise WriteRejected(40050, "Client OrderId duplicated with existing orders", "t-dup")
        if fault == "before":
            raise WriteOutcomeUnknown("connection dropped before the exchange committed")
        order_id = self._commit(action)
        if fault == "after":
            raise WriteOutcomeUnknown("connection dropped after the exchange committed")
        return Sent(trace=f"trace-{len(self.sent)}", order_id=order_id)

    def _commit(self, action: act.Action) -> str | None:
        snap = self.snap
        if isinstance(action, act.Transfer):
            sign = 1 if action.to_futures else -1
            bal = snap.balances
            self.snap = snap.evolve(
                balances=replace(
                    bal, futures_available=bal.futures_available + sign * action.amount
                )
            )
            self.transfers.append(
                TransferFact(
                    f"tr{len(self.transfers)}",
                    action.amount,
                    action.to_futures,
                    self.clock_ms,
                    True,
                )
            )
            return None
        if isinstance(action, act.SubmitOrder):
            oid = str(500 + len(self.orders))
            self.orders[action.cid] = OrderFact(
                oid, action.cid, action.symbol, True, action.size, action.size, self.fill_price
            )
            if action.opens:
                side = action.side.position
                assert action.leverage is not None
                pos = Position(
                    action.symbol,
                    side,
                    action.size,
                    self.fill_price,
                    action.leverage,
                    action.margin or Margin.CROSS,
                )
                triggers = list(snap.trigger_orders)
                for kind, prot in (
                    ("take_profit", action.take_profit),
                    ("stop_loss", action.stop_loss),
                ):
                    if prot is not None:
                        triggers.append(
                            TriggerOrder(
                                f"tp{len(triggers)}",
                                "",
                                action.symbol,
                                TriggerKind(kind),
                                OrderSide.closing(side),
                                D(0),
                                prot.trigger,
                                D(0),
                                prot.source,
                                None,
                                TpSlScope.POSITION,
                                "market",
                                D(0),
                                None,
                            )
                        )
                self.snap = snap.evolve(
                    positions=(*snap.positions, pos), trigger_orders=tuple(triggers)
                )
            return oid
        if isinstance(action, act.ModifyTpSl):
            self.snap = snap.evolve(
                trigger_orders=tuple(
                    replace(
                        t, trigger=action.protection.trigger, price_source=action.protection.source
                    )
                    if t.order_id == action.order_id
                    else t
                    for t in snap.trigger_orders
                )
            )
            return action.order_id
        if isinstance(action, act.SubmitTpSl):
            trig = TriggerOrder(
                f"tpsl{len(self.sent)}",
                action.cid,
                action.symbol,
                TriggerKind(action.kind),
                OrderSide.closing(action.side),
                D(0),
                action.protection.trigger,
                D(0),
                action.protection.source,
                None,
                TpSlScope.POSITION,
                "market",
                D(0),
                None,
            )
            self.orders[action.cid] = OrderFact(
                trig.order_id, action.cid, action.symbol, False, D(0), D(0), D(0)
            )
            self.snap = snap.evolve(trigger_orders=(*snap.trigger_orders, trig))
            return trig.order_id
        if isinstance(action, act.SetLeverage):
            settings = dict(snap.settings)
            settings[action.symbol] = SymbolSetting(action.symbol, action.leverage, action.margin)
            self.snap = snap.evolve(settings=settings)
            return None
        raise NotImplementedError(type(action).__name__)

    def snapshot(self, symbols: Sequence[str], *, whole_account: bool = False) -> Snapshot:
        self.reads += 1
        return self.snap

    def find_order(self, symbol: str, client_order_id: str) -> OrderFact | None:
        order = self.orders.get(client_order_id)
        return order if order is not None and order.symbol == symbol else None

    def read_round(
        self,
        symbols: Sequence[str],
        history: Sequence[tuple[str, str]],
        *,
        whole_account: bool = False,
    ) -> tuple[Snapshot, dict[str, OrderFact | None]]:
        self.rounds.append(tuple(cid for _, cid in history))
        snapshot = self.snapshot(symbols, whole_account=whole_account)
        return snapshot, {cid: self.find_order(sym, cid) for sym, cid in history}

    def transfers_since(self, since_ms: int) -> Sequence[TransferFact]:
        self.transfer_reads += 1
        return [t for t in self.transfers if t.time_ms >= since_ms]

    def sends_to(self, path: str) -> list[act.Action]:
        return [a for a in self.sent if request_for(a).path == path]
