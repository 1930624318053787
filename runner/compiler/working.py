"""The predicted account, mutated step by step while a plan compiles.

Compile applies each step's actions here so that step N is checked against the state after steps
1..N-1 (balance after the transfer, position after the open).  ``freeze()`` turns it back into an
immutable ``Snapshot``: the predicted state that the diff shows and a saved plan stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.snapshot import (
    Balances,
    ContractSpec,
    Market,
    Position,
    Snapshot,
    SymbolSetting,
    TriggerOrder,
    WorkingOrder,
)
from runner.domain import Margin, Mode, OrderSide, PosSide, TriggerKind

ZERO = Decimal(0)


@dataclass
class WorkingState:
    base: Snapshot
    mode: Mode | None
    positions: dict[tuple[str, PosSide], Position]
    settings: dict[str, SymbolSetting]
    open_orders: list[WorkingOrder]
    triggers: list[TriggerOrder]
    futures_available: Decimal
    spot_available: Decimal | None
    pending_fills: dict[tuple[str, PosSide], Decimal] = field(default_factory=dict)
    estimated_cross: set[tuple[str, PosSide]] = field(default_factory=set)

    @classmethod
    def start(cls, snapshot: Snapshot) -> WorkingState:
        return cls(
            base=snapshot,
            mode=snapshot.mode,
            positions={(p.symbol, p.side): p for p in snapshot.positions if p.size > 0},
            settings=dict(snapshot.settings),
            open_orders=list(snapshot.open_orders),
            triggers=list(snapshot.trigger_orders),
            futures_available=snapshot.balances.futures_available,
            spot_available=snapshot.balances.spot_available,
        )

    # --- reads ---------------------------------------------------------------------------------

    def spec(self, symbol: str) -> ContractSpec | None:
        return self.base.specs.get(symbol)

    def market(self, symbol: str) -> Market | None:
        return self.base.markets.get(symbol)

    def position(self, symbol: str, side: PosSide) -> Position | None:
        return self.positions.get((symbol, side))

    def positions_on(self, symbol: str) -> list[Position]:
        return [p for (sym, _), p in self.positions.items() if sym == symbol]

    def any_position(self) -> bool:
        return bool(self.positions)

    def setting(self, symbol: str) -> SymbolSetting | None:
        return self.settings.get(symbol)

    def orders_on(self, symbol: str) -> list[WorkingOrder]:
        return [o for o in self.open_orders if o.symbol == symbol]

    def triggers_on(self, symbol: str) -> list[TriggerOrder]:
        return [t for t in self.triggers if t.symbol == symbol]

    # --- predicted effects ---------------------------------------------------------------------

    def preview_open(
        self,
        symbol: str,
        side: PosSide,
        size: Decimal,
        price: Decimal,
        leverage: Decimal,
        margin: Margin,
        fee_rate: Decimal,
    ) -> tuple[Position, Decimal]:
        """The position after opening ``size`` at ``price``, and what the open costs (margin +
        fee); nothing changes.  Also used for a resting limit entry: its figures if it fills."""
        spec = self.spec(symbol)
        assert spec is not None
        value = est.notional(size, spec.contract_size, price)
        cost = est.initial_margin(value, leverage) + est.fee(value, fee_rate)
        held = self.position(symbol, side)
        if held is None:
            new_size, entry = size, price
            im = est.initial_margin(value, leverage)
        else:
            new_size = held.size + size
            entry = (held.entry_price * held.size + price * size) / new_size
            im = held.initial_margin + est.initial_margin(value, leverage)
        opened = Position(symbol, side, new_size, entry, leverage, margin, ZERO, im, ZERO)
        available = self.futures_available - cost
        return replace(opened, liquidation_price=self.liquidation_for(opened, available)), cost

    def liquidation_for(self, pos: Position, available: Decimal) -> Decimal:
        """Estimated liquidation on the tick, toward the entry; a cross position also counts the
        account's available balance (``available``) as margin that absorbs losses."""
        spec = self.spec(pos.symbol)
        assert spec is not None
        extra = available if pos.margin is Margin.CROSS else ZERO
        liq = est.liquidation_price(
            is_long=pos.side is PosSide.LONG,
            entry_price=pos.entry_price,
            contracts=pos.size,
            contract_size=spec.contract_size,
            leverage=pos.leverage,
            brackets=spec.brackets,
            taker_rate=spec.taker_fee,
            extra_margin=max(ZERO, extra),
        )
        return est.round_liquidation(liq, spec.tick, is_long=pos.side is PosSide.LONG)

    def fill_open(self, opened: Position, cost: Decimal) -> None:
        """An open filled: the position and its cost as ``preview_open`` estimated them."""
        key = (opened.symbol, opened.side)
        self.futures_available -= cost
        self.positions[key] = opened
        self.settings[opened.symbol] = SymbolSetting(opened.symbol, opened.leverage, opened.margin)
        if opened.margin is Margin.CROSS:
            self.estimated_cross.add(key)

    def settle_cross(self) -> dict[tuple[str, PosSide], Position]:
        """Cross positions this plan opened or added to, re-estimated from the balance the whole
        plan leaves (a later step that takes margin brings their liquidation closer)."""
        settled = {}
        for key in self.estimated_cross:
            pos = self.positions.get(key)
            if pos is None:
                continue
            liq = self.liquidation_for(pos, self.futures_available)
            if liq != pos.liquidation_price:
                pos = replace(pos, liquidation_price=liq)
                self.positions[key] = pos
            settled[key] = pos
        return settled

    def fill_close(self, symbol: str, side: PosSide, size: Decimal, price: Decimal) -> Decimal:
        """Reduce a position; returns the realized PnL (after the taker fee) it predicts."""
        held = self.position(symbol, side)
        spec = self.spec(symbol)
        assert held is not None and spec is not None
        size = min(size, held.size)
        pnl = est.pnl(
            is_long=side is PosSide.LONG,
            entry=held.entry_price,
            exit_price=price,
            contracts=size,
            contract_size=spec.contract_size,
        )
        fee = est.fee(est.notional(size, spec.contract_size, price), spec.taker_fee)
        released = held.initial_margin * size / held.size
        self.futures_available += released + pnl - fee
        left = held.size - size
        if left > 0:
            self.positions[(symbol, side)] = replace(
                held, size=left, initial_margin=held.initial_margin - released
            )
        else:
            del self.positions[(symbol, side)]
            # the exchange cancels a position's TP/SL when the position is gone
            closing = OrderSide.closing(side)
            self.triggers = [
                t
                for t in self.triggers
                if not (t.symbol == symbol and t.side is closing and t.kind is not TriggerKind.PLAN)
            ]
        return pnl - fee

    def freeze(self) -> Snapshot:
        return replace(
            self.base,
            mode=self.mode,
            settings=dict(self.settings),
            positions=tuple(self.positions.values()),
            open_orders=tuple(self.open_orders),
            trigger_orders=tuple(self.triggers),
            balances=Balances(
                futures_available=self.futures_available,
                futures_frozen=self.base.balances.futures_frozen,
                futures_position_margin=sum(
                    (p.initial_margin for p in self.positions.values()), ZERO
                ),
                futures_equity=self.base.balances.futures_equity,
                futures_unrealized=self.base.balances.futures_unrealized,
                spot_available=self.spot_available,
            ),
        )
