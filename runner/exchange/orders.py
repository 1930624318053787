"""Order, plan-order and fill models (endpoints 33-37) and their parsers.

The common order object (facts 13.7) is shared by order, order-history and get-open-orders.
Unset preset TP/SL prices are ``""`` on the wire and ``None`` here; their price types are 0.
"""

from __future__ import annotations

from decimal import Decimal

from runner.exchange.fields import Fields, rows
from runner.values import value


@value
class Order:
    order_id: str
    client_order_id: str  # "" when none was set; PLAN_<id> for plan-triggered children
    symbol: str
    side: int  # 1-4 (facts 7.1)
    type: str  # limit | market | liquidate | bankruptcy | adl | trailing | planorder
    leverage: Decimal  # "0" on close orders
    margin_mode: str  # open_type ("" when the exchange leaves it out)
    price: Decimal
    size: Decimal  # contracts
    avg_price: Decimal  # deal_avg_price, 0 when nothing filled
    filled: Decimal  # deal_size
    state: int  # 1 approval, 2 working, 4 finished
    mode: int | None
    preset_tp_price: Decimal | None
    preset_tp_price_type: int  # 0 unset, 1 last, 2 mark
    preset_sl_price: Decimal | None
    preset_sl_price_type: int
    create_time_ms: int  # 0 when not reported (the runner never acts on it)
    update_time_ms: int
    position_mode: str | None = None
    trigger_price: Decimal | None = None  # order-history, plan-triggered orders
    activation_price: Decimal | None = None  # trailing orders
    callback_rate: Decimal | None = None
    executive_order_id: str | None = None
    activation_price_type: int = 0  # trailing orders: 1 last, 2 mark


def _optional_price(f: Fields, name: str) -> Decimal | None:
    """Trailing/plan extras: "", "0" and absent all mean "not this kind of order"."""
    value = f.opt_decimal(name)
    return value if value else None


def parse_order(raw: object, endpoint: str) -> Order:
    f = Fields(raw, endpoint, "order")
    return Order(
        order_id=f.ident("order_id"),
        client_order_id=f.opt_ident("client_order_id", "") or "",
        symbol=f.text("symbol"),
        side=f.integer("side"),
        type=f.text("type"),
        leverage=f.decimal("leverage"),
        margin_mode=(f.opt_text("open_type", "") or "").lower(),
        price=f.decimal("price"),
        size=f.decimal("size"),
        avg_price=f.decimal("deal_avg_price"),
        filled=f.decimal("deal_size"),
        state=f.integer("state"),
        mode=f.opt_integer("mode"),
        preset_tp_price=f.opt_decimal("preset_take_profit_price"),
        preset_tp_price_type=f.opt_integer("preset_take_profit_price_type", 0) or 0,
        preset_sl_price=f.opt_decimal("preset_stop_loss_price"),
        preset_sl_price_type=f.opt_integer("preset_stop_loss_price_type", 0) or 0,
        create_time_ms=f.opt_millis("create_time") or 0,
        update_time_ms=f.opt_millis("update_time") or 0,
        position_mode=f.opt_text("position_mode"),
        trigger_price=_optional_price(f, "trigger_price"),
        activation_price=_optional_price(f, "activation_price"),
        callback_rate=_optional_price(f, "callback_rate"),
        executive_order_id=f.opt_ident("executive_order_id") or None,
        activation_price_type=f.opt_integer("activation_price_type", 0) or 0,
    )


def parse_orders(data: object, endpoint: str) -> list[Order]:
    return [parse_order(raw, endpoint) for raw in rows(data, endpoint)]


@value
class PlanOrder:
    order_id: str
    client_order_id: str
    symbol: str
    side: int
    type: str  # "plan" | "take_profit" | "stop_loss"
    mode: int | None
    price_way: int | None  # 1 fires on a rise to the trigger, 2 on a fall (facts 16 #11)
    price_type: int  # 1 last, 2 mark
    plan_category: int | None  # 1 fixed size TP/SL, 2 whole-position TP/SL
    size: Decimal
    leverage: Decimal
    margin_mode: str
    trigger_price: Decimal
    executive_price: Decimal  # 0 for market execution
    state: int  # 1 approval, 2 waiting
    create_time_ms: int
    update_time_ms: int | None = None
    position_mode: str | None = None
    preset_tp_price: Decimal | None = None
    preset_sl_price: Decimal | None = None


def parse_plan_orders(data: object, endpoint: str) -> list[PlanOrder]:
    plans = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "plan order")
        plans.append(
            PlanOrder(
                order_id=f.ident("order_id"),
                client_order_id=f.opt_ident("client_order_id", "") or "",
                symbol=f.text("symbol"),
                side=f.integer("side"),
                type=f.text("type"),
                mode=f.opt_integer("mode"),
                price_way=f.opt_integer("price_way"),
                price_type=f.integer("price_type"),
                plan_category=f.opt_integer("plan_category"),
                size=f.decimal("size"),
                leverage=f.decimal("leverage"),
                margin_mode=(f.opt_text("open_type", "") or "").lower(),
                trigger_price=f.decimal("trigger_price"),
                executive_price=f.decimal("executive_price"),
                state=f.integer("state"),
                create_time_ms=f.millis("create_time"),
                update_time_ms=f.opt_millis("update_time"),
                position_mode=f.opt_text("position_mode"),
                preset_tp_price=f.opt_decimal("preset_take_profit_price"),
                preset_sl_price=f.opt_decimal("preset_stop_loss_price"),
            )
        )
    return plans


@value
class Trade:
    order_id: str
    trade_id: str
    symbol: str
    side: int
    price: Decimal
    size: Decimal  # vol, contracts
    exec_type: str  # Taker | Maker
    profit: bool
    realized_pnl: Decimal  # realised_profit
    fee: Decimal  # paid_fees
    create_time_ms: int
    account: str | None = None


def parse_trades(data: object, endpoint: str) -> list[Trade]:
    trades = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "trade")
        trades.append(
            Trade(
                order_id=f.ident("order_id"),
                trade_id=f.ident("trade_id"),
                symbol=f.text("symbol"),
                side=f.integer("side"),
                price=f.decimal("price"),
                size=f.decimal("vol"),
                exec_type=f.text("exec_type"),
                profit=f.flag("profit"),
                realized_pnl=f.decimal("realised_profit"),
                fee=f.decimal("paid_fees"),
                create_time_ms=f.millis("create_time"),
                account=f.opt_text("account"),
            )
        )
    return trades
