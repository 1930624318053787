"""Plain-value snapshots for core tests (no network, no simulator)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from runner.compiler.estimates import Bracket
from runner.compiler.intents import Entry, PlanOrderIntent, PositionIntent, Trigger
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
from runner.domain import (
    Margin,
    Mode,
    OrderSide,
    OrderType,
    PosSide,
    PriceSource,
    TpSlScope,
    TriggerKind,
)

BTC = ContractSpec(
    symbol="BTCUSDT",
    contract_size=D("0.001"),
    tick=D("0.1"),
    step=D(1),
    min_volume=D(1),
    max_volume=D(500000),
    market_max_volume=D(50000),
    min_leverage=D(1),
    max_leverage=D(100),
    brackets=(
        Bracket(D(0), D(100000), D(100), D("0.005"), D(0)),
        Bracket(D(100000), D(1000000), D(50), D("0.01"), D(500)),
        Bracket(D(1000000), D(99999999), D(20), D("0.025"), D(15500)),
    ),
)
ETH = ContractSpec(
    symbol="ETHUSDT",
    contract_size=D("0.01"),
    tick=D("0.01"),
    step=D(1),
    min_volume=D(1),
    max_volume=D(500000),
    market_max_volume=D(50000),
    min_leverage=D(1),
    max_leverage=D(100),
    brackets=(Bracket(D(0), D(99999999), D(100), D("0.005"), D(0)),),
)


def snapshot(
    *,
    futures: str = "0",
    spot: str | None = "10000",
    positions: tuple[Position, ...] = (),
    orders: tuple[WorkingOrder, ...] = (),
    triggers: tuple[TriggerOrder, ...] = (),
    mode: Mode | None = Mode.HEDGE,
    settings: dict[str, SymbolSetting] | None = None,
) -> Snapshot:
    return Snapshot(
        target="paper",
        taken_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        mode=mode,
        specs={"BTCUSDT": BTC, "ETHUSDT": ETH},
        markets={"BTCUSDT": Market(D(67000), D(67000)), "ETHUSDT": Market(D(3500), D(3500))},
        settings=settings
        if settings is not None
        else {
            "BTCUSDT": SymbolSetting("BTCUSDT", D(10), Margin.CROSS),
            "ETHUSDT": SymbolSetting("ETHUSDT", D(10), Margin.CROSS),
        },
        positions=positions,
        open_orders=orders,
        trigger_orders=triggers,
        balances=Balances(
            futures_available=D(futures), spot_available=None if spot is None else D(spot)
        ),
        account_wide=True,
    )


def long_btc(
    size: str = "10", entry: str = "67000", leverage: str = "10", margin: Margin = Margin.ISOLATED
) -> Position:
    return Position(
        "BTCUSDT", PosSide.LONG, D(size), D(entry), D(leverage), margin, D("61006.7"), D("67"), D(0)
    )


def sl_order(
    trigger: str, order_id: str = "9001", source: PriceSource = PriceSource.MARK
) -> TriggerOrder:
    return TriggerOrder(
        order_id,
        "",
        "BTCUSDT",
        TriggerKind.STOP_LOSS,
        OrderSide.CLOSE_LONG,
        D(0),
        D(trigger),
        D(0),
        source,
        None,
        TpSlScope.POSITION,
        "market",
        D(0),
        None,
    )


def tp_order(
    trigger: str, order_id: str = "9002", source: PriceSource = PriceSource.LAST
) -> TriggerOrder:
    return TriggerOrder(
        order_id,
        "",
        "BTCUSDT",
        TriggerKind.TAKE_PROFIT,
        OrderSide.CLOSE_LONG,
        D(0),
        D(trigger),
        D(0),
        source,
        None,
        TpSlScope.POSITION,
        "market",
        D(0),
        None,
    )

def reference_position(**overrides: object) -> PositionIntent:
    """Step 2 of the reference plan (plans/examples/btc-long.yaml): long 10 BTCUSDT at 10x
    isolated, TP 72000 (last), SL -3% (mark); ``overrides`` change single fields."""
    fields: dict[str, object] = dict(
        index=1,
        key="#2",
        kind="position",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(10),
        leverage=D(10),
        margin=Margin.ISOLATED,
        entry=Entry(),
        take_profit=Trigger(PriceSource.LAST, price=D(72000)),
        stop_loss=Trigger(PriceSource.MARK, percent=D(-3)),
    )
    fields.update(overrides)
    return PositionIntent(**fields)  # type: ignore[arg-type]


def eth_dip_order(**overrides: object) -> PlanOrderIntent:
    """A plan_order step: buy 5 ETHUSDT with a limit at 2795 when the last price reaches 2800,
    5x isolated; ``overrides`` change single fields."""
    fields: dict[str, object] = dict(
        index=0,
        key="dip",
        kind="plan_order",
        symbol="ETHUSDT",
        side=PosSide.LONG,
        reduce_only=False,
        size=D(5),
        trigger=D(2800),
        source=PriceSource.LAST,
        direction=None,
        entry=Entry(OrderType.LIMIT, D(2795)),
        leverage=D(5),
        margin=Margin.ISOLATED,
    )
    fields.update(overrides)
    return PlanOrderIntent(**fields)  # type: ignore[arg-type]
