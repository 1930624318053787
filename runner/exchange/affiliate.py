"""Affiliate models (endpoints 45-50).  Their numbers are often JSON numbers, not strings; the
decoder keeps those as ``Decimal`` too, so nothing here is ever a float."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Generic, TypeVar

from runner.exchange.fields import Fields
from runner.values import value

T = TypeVar("T")


@value
class Page(Generic[T]):
    """One page of an affiliate list: its rows and where they stand in the whole list."""

    total: int
    page: int
    size: int
    rows: tuple[T, ...]


def _page(f: Fields, name: str, what: str, build: Callable[[Fields], T]) -> Page[T]:
    rows = tuple(build(Fields(raw, f.endpoint, what)) for raw in f.rows(name))
    return Page(f.integer("total"), f.integer("page"), f.integer("size"), rows)


@value
class RebateRow:
    currency: str  # rebate_coin
    trade_user_id: str
    total_rebate: Decimal
    user_type: int  # 0 indirect, 1 direct


@value
class RebateList(Page[RebateRow]):
    btc_rebate_sum: Decimal
    usdt_rebate_sum: Decimal
    eth_rebate_sum: Decimal


def _rebate_row(r: Fields) -> RebateRow:
    return RebateRow(
        currency=r.text("rebate_coin"),
        trade_user_id=r.ident("trade_user_id"),
        total_rebate=r.decimal("total_rebate_amount"),
        user_type=r.integer("user_type"),
    )


def parse_rebate_list(data: object, endpoint: str) -> RebateList:
    f = Fields(data, endpoint, "data")
    page = _page(f, "rebate_detail_page_data", "rebate row", _rebate_row)
    return RebateList(
        page.total,
        page.page,
        page.size,
        page.rows,
        btc_rebate_sum=f.decimal("btc_rebate_sum"),
        usdt_rebate_sum=f.decimal("usdt_rebate_sum"),
        eth_rebate_sum=f.decimal("eth_rebate_sum"),
    )


@value
class AffiliateTrade:
    user_id: str
    user_type: int
    create_time_ms: int
    symbol: str
    leverage: Decimal
    margin_mode: str  # open_type 1 isolated / 2 cross on this endpoint
    way: int  # 1 long, 2 close short, 3 close long, 4 short
    category: int  # 1 limit, 2 market
    copy_trade: bool  # select_copy_trade 1
    deal_price: Decimal
    deal_size: Decimal
    fee: Decimal
    realized_pnl: Decimal


_OPEN_TYPES = {1: "isolated", 2: "cross"}


def _affiliate_trade(t: Fields) -> AffiliateTrade:
    open_type = t.integer("open_type")
    return AffiliateTrade(
        user_id=t.ident("user_id"),
        user_type=t.integer("user_type"),
        create_time_ms=t.millis("create_time"),
        symbol=t.text("symbol"),
        leverage=t.decimal("leverage"),
        margin_mode=_OPEN_TYPES.get(open_type, str(open_type)),
        way=t.integer("way"),
        category=t.integer("category"),
        copy_trade=t.integer("select_copy_trade") == 1,
        deal_price=t.decimal("deal_price"),
        deal_size=t.decimal("deal_vol"),
        fee=t.decimal("fee"),
        realized_pnl=t.decimal("realised_profit"),
    )


def parse_affiliate_trades(data: object, endpoint: str) -> Page[AffiliateTrade]:
    return _page(Fields(data, endpoint, "data"), "list", "trade", _affiliate_trade)


@value
class UserRebate:
    cid: str
    back_rate: Decimal
    trading_volume_total: Decimal
    trading_fee_total: Decimal
    rebate_total: Decimal
    trading_volume: Decimal  # the queried range only
    trading_fee: Decimal
    rebate: Decimal


def parse_user_rebate(data: object, endpoint: str) -> UserRebate:
    f = Fields(data, endpoint, "data")
    return UserRebate(
        cid=f.ident("cid"),
        back_rate=f.decimal("back_rate"),
        trading_volume_total=f.decimal("trading_vol_total"),
        trading_fee_total=f.decimal("trading_fee_total"),
        rebate_total=f.decimal("rebate_total"),
        trading_volume=f.decimal("trading_vol"),
        trading_fee=f.decimal("trading_fee"),
        rebate=f.decimal("rebate"),
    )


@value
class ApiRebate:
    api_trading_fee_total: Decimal
    api_rebate_total: Decimal


def parse_api_rebate(data: object, endpoint: str) -> ApiRebate:
    f = Fields(data, endpoint, "data")
    return ApiRebate(f.decimal("api_trading_fee_total"), f.decimal("api_rebate_total"))


def parse_invite_check(data: object, endpoint: str) -> bool:
    return Fields(data, endpoint, "data").flag("isInviteUser")


@value
class InvitedUser:
    cid: str
    rebate_total: Decimal
    trading_volume_total: Decimal
    trading_fee_total: Decimal
    cashback_rate: Decimal
    back_rate: Decimal
    rebate_issued: bool  # status 1


def _invited_user(u: Fields) -> InvitedUser:
    return InvitedUser(
        cid=u.ident("cid"),
        rebate_total=u.decimal("rebateTotal"),
        trading_volume_total=u.decimal("tradingVolTotal"),
        trading_fee_total=u.decimal("tradingFeeTotal"),
        cashback_rate=u.decimal("cashbackRate"),
        back_rate=u.decimal("backRate"),
        rebate_issued=u.integer("status") == 1,
    )


def parse_invited_users(data: object, endpoint: str) -> Page[InvitedUser]:
    return _page(Fields(data, endpoint, "data"), "list", "invited user", _invited_user)
