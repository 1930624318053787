"""Account models: balances, fees, positions, ledger, wallets and transfers, with parsers.

Inside the runner a position's ``current_amount`` is its ``size`` and ``open_type`` its
``margin_mode``; the wire names stay in this module.
"""

from __future__ import annotations

from decimal import Decimal

from runner.exchange.fields import Fields, rows
from runner.values import value


@value
class Asset:
    currency: str
    available: Decimal
    frozen: Decimal
    position_margin: Decimal  # position_deposit
    equity: Decimal
    unrealized: Decimal


def parse_assets(data: object, endpoint: str) -> list[Asset]:
    assets = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "asset")
        assets.append(
            Asset(
                currency=f.text("currency"),
                available=f.decimal("available_balance"),
                frozen=f.decimal("frozen_balance"),
                position_margin=f.decimal("position_deposit"),
                equity=f.decimal("equity"),
                unrealized=f.decimal("unrealized"),
            )
        )
    return assets


@value
class FeeRate:
    symbol: str
    taker: Decimal
    maker: Decimal


def parse_fee_rate(data: object, endpoint: str) -> FeeRate:
    f = Fields(data, endpoint, "data")
    return FeeRate(f.text("symbol"), f.decimal("taker_fee_rate"), f.decimal("maker_fee_rate"))


@value
class PositionV2:
    symbol: str
    side: str  # "long" | "short" (hedge mode) | "both" (one-way mode)
    size: Decimal  # current_amount, >= 0: the existence test (facts 10.12)
    signed_size: Decimal | None  # position_amount (one-way: negative = short); added 2025-07
    leverage: Decimal
    margin_mode: str  # open_type: "cross" | "isolated"
    entry_price: Decimal
    mark_price: Decimal
    liquidation_price: Decimal
    # reported values the runner shows but does not act on: None when a reply leaves them out
    unrealized_pnl: Decimal | None
    realized_pnl: Decimal | None
    initial_margin: Decimal | None
    maintenance_margin: Decimal | None
    open_time_ms: int  # 0 when flat or not reported
    time_ms: int  # 0 when not reported
    max_notional: Decimal | None = None
    position_margin: Decimal | None = None  # position_cross
    fee: Decimal | None = None  # current_fee
    account: str | None = None


def parse_positions_v2(data: object, endpoint: str) -> list[PositionV2]:
    positions = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "position")
        positions.append(
            PositionV2(
                symbol=f.text("symbol"),
                side=f.text("position_side").lower(),
                size=f.decimal("current_amount"),
                signed_size=f.opt_decimal("position_amount"),
                leverage=f.decimal("leverage"),
                margin_mode=f.text("open_type").lower(),
                entry_price=f.decimal("entry_price"),
                mark_price=f.decimal("mark_price"),
                liquidation_price=f.decimal("liquidation_price"),
                unrealized_pnl=f.opt_decimal("unrealized_pnl"),
                realized_pnl=f.opt_decimal("realized_value"),
                initial_margin=f.opt_decimal("initial_margin"),
                maintenance_margin=f.opt_decimal("maintenance_margin"),
                open_time_ms=f.opt_millis("open_timestamp") or 0,
                time_ms=f.opt_millis("timestamp") or 0,
                max_notional=f.opt_decimal("max_notional_value"),
                position_margin=f.opt_decimal("position_cross"),
                fee=f.opt_decimal("current_fee"),
                account=f.opt_text("account"),
            )
        )
    return positions


@value
class PositionV1:
    symbol: str
    side: str  # "long" | "short" from position_type 1/2
    size: Decimal  # current_amount
    leverage: Decimal
    margin_mode: str | None  # margin_type, lower-cased; absent in 2023-2024 replies
    position_mode: str | None
    entry_price: Decimal
    mark_price: Decimal | None  # unreliable on v1 (facts 16 #29)
    unrealized_pnl: Decimal
    realized_pnl: Decimal
    maintenance_margin: Decimal
    open_time_ms: int
    time_ms: int


_POSITION_TYPES = {1: "long", 2: "short"}


def _lower(text: str | None) -> str | None:
    return text.lower() if text else None


def parse_positions_v1(data: object, endpoint: str) -> list[PositionV1]:
    positions = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "position")
        kind = f.integer("position_type")
        positions.append(
            PositionV1(
                symbol=f.text("symbol"),
                side=_POSITION_TYPES.get(kind, str(kind)),
                size=f.decimal("current_amount"),
                leverage=f.decimal("leverage"),
                margin_mode=_lower(f.opt_text("margin_type")),
                position_mode=f.opt_text("position_mode"),
                entry_price=f.decimal("entry_price"),
                mark_price=f.opt_decimal("mark_price"),
                unrealized_pnl=f.decimal("unrealized_value"),
                realized_pnl=f.decimal("realized_value"),
                maintenance_margin=f.decimal("maintenance_margin"),
                open_time_ms=f.millis("open_timestamp"),
                time_ms=f.millis("timestamp"),
            )
        )
    return positions


@value
class PositionRisk:
    symbol: str
    side: str  # "long" | "short"
    amount: Decimal  # position_amt (base-currency-like, facts 12.1)
    mark_price: Decimal
    unrealized_pnl: Decimal
    liquidation_price: Decimal
    leverage: Decimal
    max_notional: Decimal
    margin_mode: str
    isolated_margin: Decimal
    notional: Decimal
    update_time_ms: int  # documented ms, seen in seconds: both accepted


def parse_position_risk(data: object, endpoint: str) -> list[PositionRisk]:
    risks = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "position risk")
        risks.append(
            PositionRisk(
                symbol=f.text("symbol"),
                side=f.text("position_side").lower(),
                amount=f.decimal("position_amt"),
                mark_price=f.decimal("mark_price"),
                unrealized_pnl=f.decimal("unrealized_profit"),
                liquidation_price=f.decimal("liquidation_price"),
                leverage=f.decimal("leverage"),
                max_notional=f.decimal("max_notional_value"),
                margin_mode=f.text("margin_type").lower(),
                isolated_margin=f.decimal("isolated_margin"),
                notional=f.decimal("notional"),
                update_time_ms=f.either_as_ms("update_time"),
            )
        )
    return risks


@value
class LedgerEntry:
    symbol: str  # "" for transfers
    flow_type: int | None  # 1 transfer, 2 realized PnL, 3 funding, 4 commission, 5 liquidation
    type: str
    amount: Decimal  # signed: negative is an outflow
    asset: str
    time_ms: int  # a string of ms on the wire
    transaction_id: str
    account: str | None = None


def parse_ledger(data: object, endpoint: str) -> list[LedgerEntry]:
    entries = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "ledger entry")
        entries.append(
            LedgerEntry(
                symbol=f.opt_text("symbol", "") or "",
                flow_type=f.opt_integer("flow_type"),
                type=f.text("type"),
                amount=f.decimal("amount"),
                asset=f.text("asset"),
                time_ms=f.millis("time"),
                transaction_id=f.ident("tran_id"),
                account=f.opt_text("account"),
            )
        )
    return entries
