"""The account snapshot: everything a plan is checked against, as plain immutable values.

Built once per run by ``snapshot.read_snapshot`` (the only part that does I/O); the core
(`compile`, `checks`) and the renderers take it as a value.  It serialises to JSON for saved
plans and for tests, so nothing downstream needs a network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from runner.compiler.estimates import Bracket
from runner.domain import (
    Margin,
    Mode,
    OrderSide,
    PosSide,
    PriceSource,
    PriceWay,
    TpSlScope,
    TriggerKind,
)
from runner.values import value


@value
class ContractSpec:
    symbol: str
    contract_size: Decimal
    tick: Decimal
    step: Decimal
    min_volume: Decimal
    max_volume: Decimal
    market_max_volume: Decimal
    min_leverage: Decimal
    max_leverage: Decimal
    brackets: tuple[Bracket, ...] = ()
    taker_fee: Decimal = Decimal("0.0006")
    maker_fee: Decimal = Decimal("0.0002")
    trading: bool = True


@value
class Market:
    last: Decimal
    mark: Decimal

    def price(self, source: PriceSource) -> Decimal:
        return self.mark if source is PriceSource.MARK else self.last


@value
class Position:
    symbol: str
    side: PosSide
    size: Decimal  # contracts, > 0
    entry_price: Decimal
    leverage: Decimal
    margin: Margin
    liquidation_price: Decimal = Decimal(0)
    initial_margin: Decimal = Decimal(0)
    unrealized_pnl: Decimal = Decimal(0)
    maintenance_margin: Decimal = Decimal(0)  # as reported (0: unknown, estimated from the spec)


@value
class SymbolSetting:
    """Leverage and margin mode of a symbol, as position-v2 reports them (also when flat)."""

    symbol: str
    leverage: Decimal
    margin: Margin


@value
class WorkingOrder:
    order_id: str
    client_order_id: str
    symbol: str
    side: OrderSide
    order_type: str  # limit | market | trailing
    price: Decimal
    size: Decimal
    filled: Decimal
    leverage: Decimal
    margin: Margin | None
    created_ms: int = 0  # exchange time the order was placed (0 when unknown)
    preset_tp: Decimal | None = None  # preset TP/SL triggers an opening order carries
    preset_sl: Decimal | None = None
    activation_price: Decimal | None = None  # trailing orders only
    callback_rate: Decimal | None = None  # percent
    activation_source: PriceSource | None = None

    @property
    def remaining(self) -> Decimal:
        return self.size - self.filled

    @property
    def opens(self) -> bool:
        return self.side.opens


@value
class TriggerOrder:
    """A waiting plan order or TP/SL order (current-plan-order)."""

    order_id: str
    client_order_id: str
    symbol: str
    kind: TriggerKind
    side: OrderSide
    size: Decimal
    trigger: Decimal
    executive_price: Decimal
    price_source: PriceSource
    price_way: PriceWay | None  # plan orders only
    scope: TpSlScope | None  # TP/SL orders only: the whole position or a fixed size
    order_type: str  # limit | market (of the order placed when it fires)
    leverage: Decimal
    margin: Margin | None
    preset_tp: Decimal | None = None  # plan orders: the preset TP/SL of what they open
    preset_sl: Decimal | None = None


@value
class Balances:
    futures_available: Decimal
    futures_frozen: Decimal = Decimal(0)
    futures_position_margin: Decimal = Decimal(0)
    futures_equity: Decimal = Decimal(0)
    futures_unrealized: Decimal = Decimal(0)
    spot_available: Decimal | None = None  # None when not read (no transfer in the plan)


@value
class Snapshot:
    target: str
    taken_at: datetime
    mode: Mode | None
    specs: Mapping[str, ContractSpec]
    markets: Mapping[str, Market]
    settings: Mapping[str, SymbolSetting]
    positions: tuple[Position, ...]
    open_orders: tuple[WorkingOrder, ...]
    trigger_orders: tuple[TriggerOrder, ...]
    balances: Balances
    account_wide: bool = field(default=False)  # positions/orders cover every symbol

    def position(self, symbol: str, side: PosSide) -> Position | None:
        for pos in self.positions:
            if pos.symbol == symbol and pos.side is side and pos.size > 0:
                return pos
        return None

    def positions_on(self, symbol: str) -> tuple[Position, ...]:
        return tuple(p for p in self.positions if p.symbol == symbol and p.size > 0)

    def orders_on(self, symbol: str) -> tuple[WorkingOrder, ...]:
        return tuple(o for o in self.open_orders if o.symbol == symbol)

    def triggers_on(self, symbol: str) -> tuple[TriggerOrder, ...]:
        return tuple(t for t in self.trigger_orders if t.symbol == symbol)

    def evolve(self, **changes: Any) -> Snapshot:
        return replace(self, **changes)


# --- serialisation ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def to_jsonable(snapshot: Snapshot) -> dict[str, Any]:
    result = _plain(snapshot)
    assert isinstance(result, dict)
    return result


def _dec(raw: Any) -> Decimal:
    return Decimal(str(raw))


def _opt_dec(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def _opt_margin(raw: Any) -> Margin | None:
    return None if raw is None else Margin(raw)


def from_jsonable(data: Mapping[str, Any]) -> Snapshot:
    """Inverse of ``to_jsonable`` (used by saved plans and test fixtures)."""
    specs = {
        sym: ContractSpec(
            symbol=s["symbol"],
            contract_size=_dec(s["contract_size"]),
            tick=_dec(s["tick"]),
            step=_dec(s["step"]),
            min_volume=_dec(s["min_volume"]),
            max_volume=_dec(s["max_volume"]),
            market_max_volume=_dec(s["market_max_volume"]),
            min_leverage=_dec(s["min_leverage"]),
            max_leverage=_dec(s["max_leverage"]),
            brackets=tuple(
                Bracket(
                    _dec(b["notional_floor"]),
                    _dec(b["notional_cap"]),
                    _dec(b["max_leverage"]),
                    _dec(b["maint_margin_ratio"]),
                    _dec(b["cum"]),
                )
                for b in s.get("brackets", [])
            ),
            taker_fee=_dec(s["taker_fee"]),
            maker_fee=_dec(s["maker_fee"]),
            trading=bool(s.get("trading", True)),
        )
        for sym, s in data["specs"].items()
    }
    bal = data["balances"]
    return Snapshot(
        target=data["target"],
        taken_at=datetime.fromisoformat(data["taken_at"]),
        mode=None if data.get("mode") is None else Mode(data["mode"]),
        specs=specs,
        markets={k: Market(_dec(v["last"]), _dec(v["mark"])) for k, v in data["markets"].items()},
        settings={
            k: SymbolSetting(v["symbol"], _dec(v["leverage"]), Margin(v["margin"]))
            for k, v in data["settings"].items()
        },
        positions=tuple(
            Position(
                p["symbol"],
                PosSide(p["side"]),
                _dec(p["size"]),
                _dec(p["entry_price"]),
                _dec(p["leverage"]),
                Margin(p["margin"]),
                _dec(p["liquidation_price"]),
                _dec(p["initial_margin"]),
                _dec(p["unrealized_pnl"]),
                _dec(p.get("maintenance_margin", "0")),
            )
            for p in data["positions"]
        ),
        open_orders=tuple(
            WorkingOrder(
                o["order_id"],
                o["client_order_id"],
                o["symbol"],
                OrderSide(o["side"]),
                o["order_type"],
                _dec(o["price"]),
                _dec(o["size"]),
                _dec(o["filled"]),
                _dec(o["leverage"]),
                _opt_margin(o["margin"]),
                int(o.get("created_ms", 0)),
                _opt_dec(o.get("preset_tp")),
                _opt_dec(o.get("preset_sl")),
                None if o.get("activation_price") is None else _dec(o["activation_price"]),
                None if o.get("callback_rate") is None else _dec(o["callback_rate"]),
                None if o.get("activation_source") is None else PriceSource(o["activation_source"]),
            )
            for o in data["open_orders"]
        ),
        trigger_orders=tuple(
            TriggerOrder(
                t["order_id"],
                t["client_order_id"],
                t["symbol"],
                TriggerKind(t["kind"]),
                OrderSide(t["side"]),
                _dec(t["size"]),
                _dec(t["trigger"]),
                _dec(t["executive_price"]),
                PriceSource(t["price_source"]),
                None if t.get("price_way") is None else PriceWay(t["price_way"]),
                None if t.get("scope") is None else TpSlScope(t["scope"]),
                t["order_type"],
                _dec(t["leverage"]),
                _opt_margin(t["margin"]),
                _opt_dec(t.get("preset_tp")),
                _opt_dec(t.get("preset_sl")),
            )
            for t in data["trigger_orders"]
        ),
        balances=Balances(
            _dec(bal["futures_available"]),
            _dec(bal["futures_frozen"]),
            _dec(bal["futures_position_margin"]),
            _dec(bal["futures_equity"]),
            _dec(bal["futures_unrealized"]),
            None if bal.get("spot_available") is None else _dec(bal["spot_available"]),
        ),
        account_wide=bool(data.get("account_wide", False)),
    )


def fingerprint(snapshot: Snapshot) -> str:
    """Hash of the facts a plan relies on; prices and the read time are excluded on purpose
    (they move every second; the plan's checks are re-run against fresh prices at apply)."""
    facts = to_jsonable(snapshot)
    for volatile in ("taken_at", "markets"):
        facts.pop(volatile, None)
    for pos in facts["positions"]:
        pos.pop("unrealized_pnl", None)
        pos.pop("liquidation_price", None)
        pos.pop("maintenance_margin", None)  # moves with the mark on some exchanges
    for name in ("futures_equity", "futures_unrealized"):
        facts["balances"].pop(name, None)
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
