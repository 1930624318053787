"""The backend's state as plain mutable dataclasses: everything ``to_dict`` saves.

Names here are the backend's own (``size``, ``margin``, ``reserved``); wire names appear only in
``views``.  Every number that is money or a price is a ``Decimal``; sizes are whole contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

HEDGE = "hedge_mode"
ONE_WAY = "one_way_mode"
WORKING = 2  # facts 7.4
FINISHED = 4


@dataclass
class Price:
    last: Decimal
    mark: Decimal


@dataclass
class Setting:
    """Per-symbol leverage and margin mode (``open_type``)."""

    leverage: Decimal
    margin_mode: str


@dataclass
class Position:
    symbol: str
    side: str  # "long" | "short" (one-way positions too; views show them as "both")
    size: int
    entry_price: Decimal
    margin: Decimal  # initial margin held by the position
    leverage: Decimal
    margin_mode: str
    open_ms: int
    update_ms: int
    fees: Decimal = Decimal("0")
    realized: Decimal = Decimal("0")
    closed_size: int = 0
    closed_value: Decimal = Decimal("0")  # sum of close price * contracts, for the average


@dataclass
class Order:
    order_id: str
    client_order_id: str
    symbol: str
    side: int
    type: str  # limit | market | trailing | liquidate
    mode: int
    price: Decimal
    size: int
    leverage: Decimal
    margin_mode: str
    position_mode: str
    create_ms: int
    update_ms: int
    state: int = WORKING
    filled: int = 0
    avg_price: Decimal = Decimal("0")
    filled_value: Decimal = Decimal("0")  # sum of fill price * contracts, for the average
    reserved: Decimal = Decimal("0")  # margin + fee frozen while the order (or its rest) rests
    preset_tp: Decimal | None = None
    preset_tp_type: int = 0
    preset_sl: Decimal | None = None
    preset_sl_type: int = 0
    trigger_price: Decimal | None = None  # set on children of plan orders
    execution_price: str = ""  # plan children: the limit price, or "Market"
    activation_price: Decimal | None = None  # trailing orders
    callback_rate: Decimal | None = None
    activation_price_type: int = 0
    trail_active: bool = False
    trail_extreme: Decimal | None = None
    executive_order_id: str = ""
    end_reason: str = ""  # filled | cancelled | rejected | expired | triggered
    presets_attached: bool = False  # its preset TP/SL became position TP/SL (first opening fill)


@dataclass
class Trigger:
    """A waiting conditional order: plan order, or TP/SL (position or fixed size)."""

    order_id: str
    client_order_id: str
    symbol: str
    kind: str  # plan | take_profit | stop_loss
    side: int
    exec_type: str  # limit | market: the order placed when it fires
    mode: int
    size: int  # 0 = the whole position (plan_category 2)
    leverage: Decimal
    margin_mode: str
    position_mode: str
    trigger_price: Decimal
    executive_price: Decimal  # 0 = market
    price_way: int  # 1 fires at/above the trigger, 2 at/below (facts 16 #11)
    price_type: int  # 1 last, 2 mark
    plan_category: int
    create_ms: int
    update_ms: int
    position_side: str = ""  # TP/SL: the position it protects
    parent_order_id: str = ""  # TP/SL created from an order's preset fields
    preset_tp: Decimal | None = None
    preset_tp_type: int = 0
    preset_sl: Decimal | None = None
    preset_sl_type: int = 0
    state: int = WORKING
    end_reason: str = ""  # triggered | cancelled | failed: <why>
    executive_order_id: str = ""


@dataclass
class Fill:
    trade_id: str
    order_id: str
    client_order_id: str
    symbol: str
    side: int
    price: Decimal
    size: int
    maker: bool
    realized: Decimal
    fee: Decimal
    time_ms: int


@dataclass
class LedgerEntry:
    tran_id: str
    symbol: str
    flow_type: int  # 1 Transfer, 2 Realized PNL, 3 Funding Fee, 4 Commission Fee, 5 Liquidation
    amount: Decimal
    time_ms: int


@dataclass
class Transfer:
    transfer_id: str
    currency: str
    amount: Decimal
    direction: str  # spot_to_contract | contract_to_spot
    time_ms: int


@dataclass
class Timer:
    """cancel-all-after for one symbol (times in seconds, as the endpoint speaks them)."""

    set_time: int
    cancel_time: int


@dataclass
class Level:
    price: Decimal
    size: int  # contracts


@dataclass
class Depth:
    """Other traders' resting liquidity for one symbol (set by /sim/book): bids best (highest)
    first, asks best (lowest) first.  Our own fills consume it."""

    bids: list[Level] = field(default_factory=list)
    asks: list[Level] = field(default_factory=list)


@dataclass
class FundingSettlement:
    symbol: str
    time_ms: int
    rate: Decimal


@dataclass
class Book:
    spot: Decimal
    cash: Decimal  # futures wallet balance: transfers + realized PnL - fees (no unrealized)
    seed: int
    created_ms: int
    position_mode: str = HEDGE
    prices: dict[str, Price] = field(default_factory=dict)
    settings: dict[str, Setting] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    timers: dict[str, Timer] = field(default_factory=dict)
    depth: dict[str, Depth] = field(default_factory=dict)  # symbols without one: unlimited depth
    time_offset_ms: int = 0  # simulated time = the host's clock + this (POST /sim/clock advance)
    funding_rates: dict[str, Decimal] = field(default_factory=dict)  # unset: markets.FUNDING_RATE
    fundings: list[FundingSettlement] = field(default_factory=list)  # recent, per symbol capped
    next_order_id: int = 3_000_000_000_000_001
    next_seq: int = 1_000_000_001

    def new_order_id(self) -> str:
        value = self.next_order_id
        self.next_order_id += 1
        return str(value)

    def new_order(
        self,
        symbol: str,
        side: int,
        size: int,
        setting: Setting,
        now_ms: int,
        *,
        type: str,
        price: Decimal,
        mode: int = 1,
        client_order_id: str = "",
    ) -> Order:
        """An order placed now on this account: the next order id, the account's position mode
        and ``setting``'s leverage and margin mode (not yet on the book: the caller checks it)."""
        return Order(
            order_id=self.new_order_id(),
            client_order_id=client_order_id,
            symbol=symbol,
            side=side,
            type=type,
            mode=mode,
            price=price,
            size=size,
            leverage=setting.leverage,
            margin_mode=setting.margin_mode,
            position_mode=self.position_mode,
            create_ms=now_ms,
            update_ms=now_ms,
        )

    def new_seq(self) -> str:
        value = self.next_seq
        self.next_seq += 1
        return str(value)


def position_key(symbol: str, side: str) -> str:
    return f"{symbol}/{side}"
