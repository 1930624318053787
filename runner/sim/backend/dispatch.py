"""Path -> the function that implements it, for every route in ``runner.sim.routes``.

``routes.ROUTES`` is the one table of what the exchange serves (method, auth, rate limit,
envelope, whether a call is a write); this module only says which backend function answers each
path, and whether the triggers of the request's symbol must be re-evaluated afterwards
(``reacts``: a new TP/SL may already be due, an order may have opened a position whose preset
stop is already crossed). A test keeps both key sets equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runner.sim.backend import (
    account,
    amend,
    extras,
    marketdata,
    orders,
    plans,
    queries,
    settings,
    tpsl,
    trailing,
)
from runner.sim.backend.params import Params
from runner.sim.backend.state import Book
from runner.sim.routes import ROUTES

Handler = Callable[[Book, Params, int], Any]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    reacts: bool = False


def _transfer(book: Book, params: Params, now_ms: int) -> Any:
    return account.transfer(book, params, now_ms)


def _claim(book: Book, params: Params, now_ms: int) -> Any:
    return account.claim(book, now_ms)


def _kline(book: Book, params: Params, now_ms: int) -> Any:
    return marketdata.klines(book, params, now_ms, mark=False)


def _mark_kline(book: Book, params: Params, now_ms: int) -> Any:
    return marketdata.klines(book, params, now_ms, mark=True)


_PUBLIC = "/contract/public/"
_PRIVATE = "/contract/private/"
_SUB = "/account/contract/sub-account/"
_AFF = "/contract/private/affiliate/"

ENDPOINTS: dict[str, Endpoint] = {
    _PUBLIC + "details": Endpoint(marketdata.details),
    _PUBLIC + "depth": Endpoint(marketdata.depth),
    _PUBLIC + "market-trade": Endpoint(marketdata.market_trades),
    _PUBLIC + "funding-rate": Endpoint(marketdata.funding_rate),
    _PUBLIC + "funding-rate-history": Endpoint(marketdata.funding_history),
    _PUBLIC + "kline": Endpoint(_kline),
    _PUBLIC + "markprice-kline": Endpoint(_mark_kline),
    _PUBLIC + "open-interest": Endpoint(marketdata.open_interest),
    _PUBLIC + "leverage-bracket": Endpoint(marketdata.leverage_brackets),
    _PRIVATE + "assets-detail": Endpoint(queries.assets_detail),
    _PRIVATE + "trade-fee-rate": Endpoint(queries.fee_rate),
    _PRIVATE + "position": Endpoint(queries.positions_v1),
    _PRIVATE + "position-v2": Endpoint(queries.positions_v2),
    _PRIVATE + "position-risk": Endpoint(queries.positions_risk),
    _PRIVATE + "get-position-mode": Endpoint(queries.position_mode),
    _PRIVATE + "transaction-history": Endpoint(queries.transaction_history),
    _PRIVATE + "submit-order": Endpoint(orders.submit_order, reacts=True),
    _PRIVATE + "cancel-order": Endpoint(amend.cancel_order),
    _PRIVATE + "cancel-orders": Endpoint(amend.cancel_orders),
    _PRIVATE + "modify-limit-order": Endpoint(amend.modify_limit_order, reacts=True),
    _PRIVATE + "cancel-all-after": Endpoint(amend.cancel_all_after),
    _PRIVATE + "submit-leverage": Endpoint(settings.submit_leverage),
    _PRIVATE + "set-position-mode": Endpoint(settings.set_position_mode),
    "/account/v1/transfer-contract": Endpoint(_transfer),
    _PRIVATE + "submit-plan-order": Endpoint(plans.submit_plan_order, reacts=True),
    _PRIVATE + "cancel-plan-order": Endpoint(plans.cancel_plan_order),
    _PRIVATE + "modify-plan-order": Endpoint(plans.modify_plan_order, reacts=True),
    _PRIVATE + "submit-tp-sl-order": Endpoint(tpsl.submit_tp_sl_order, reacts=True),
    _PRIVATE + "modify-tp-sl-order": Endpoint(tpsl.modify_tp_sl_order, reacts=True),
    _PRIVATE + "modify-preset-plan-order": Endpoint(tpsl.modify_preset_plan_order, reacts=True),
    _PRIVATE + "submit-trail-order": Endpoint(trailing.submit_trail_order, reacts=True),
    _PRIVATE + "cancel-trail-order": Endpoint(trailing.cancel_trail_order),
    _PRIVATE + "order": Endpoint(queries.order_detail),
    _PRIVATE + "order-history": Endpoint(queries.order_history),
    _PRIVATE + "get-open-orders": Endpoint(queries.open_orders),
    _PRIVATE + "current-plan-order": Endpoint(queries.current_plan_orders),
    _PRIVATE + "trades": Endpoint(queries.trades),
    "/account/v1/transfer-contract-list": Endpoint(queries.transfer_list),
    _SUB + "main/v1/sub-to-main": Endpoint(extras.sub_account),
    _SUB + "main/v1/main-to-sub": Endpoint(extras.sub_account),
    _SUB + "sub/v1/sub-to-main": Endpoint(extras.sub_account),
    _SUB + "main/v1/wallet": Endpoint(extras.sub_account),
    _SUB + "main/v1/transfer-list": Endpoint(extras.sub_account),
    _SUB + "v1/transfer-history": Endpoint(extras.sub_account),
    _AFF + "rebate-list": Endpoint(extras.rebate_list),
    _AFF + "trade-list": Endpoint(extras.trade_list),
    _AFF + "rebate-user": Endpoint(extras.rebate_user),
    _AFF + "rebate-api": Endpoint(extras.rebate_api),
    _AFF + "invite-check": Endpoint(extras.invite_check),
    _AFF + "rebate-inviteUser": Endpoint(extras.rebate_invite_users),
    _PRIVATE + "claim": Endpoint(_claim),
    "/system/time": Endpoint(marketdata.system_time),
    "/system/service": Endpoint(marketdata.system_service),
    "/account/v1/wallet": Endpoint(queries.spot_wallet),
    "/spot/v1/symbols/details": Endpoint(marketdata.spot_symbols),
    "/account/v1/currencies": Endpoint(marketdata.currencies),
}


def endpoint(method: str, path: str) -> Endpoint | None:
    route = ROUTES.get(path)
    if route is None or route.method != method:
        return None
    return ENDPOINTS[path]


def mutates(method: str, path: str) -> bool:
    """A call that may change the account (so the host saves it): the route's write-ness."""
    route = ROUTES.get(path)
    return route is not None and route.method == method and route.is_write
