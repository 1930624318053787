"""Path -> handler: every REST path the simulator serves (the facts' 53 plus the spot wallet).

``mutates`` says whether a call may change the account (so the host saves it); ``reacts`` whether
the triggers of the request's symbol must be re-evaluated afterwards (a new TP/SL may already be
due, an order may have opened a position whose preset stop is already crossed).
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

Handler = Callable[[Book, Params, int], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    handler: Handler
    mutates: bool = False
    reacts: bool = False


def _transfer(book: Book, params: Params, now_ms: int) -> Any:
    return account.transfer(book, params, now_ms)


def _claim(book: Book, params: Params, now_ms: int) -> Any:
    return account.claim(book, now_ms)


def _kline(book: Book, params: Params, now_ms: int) -> Any:
    return marketdata.klines(book, params, now_ms, mark=False)


def _mark_kline(book: Book, params: Params, now_ms: int) -> Any:
    return marketdata.klines(book, params, now_ms, mark=True)


_GET, _POST = "GET", "POST"
_PUBLIC = "/contract/public/"
_PRIVATE = "/contract/private/"
_SUB = "/account/contract/sub-account/"
_AFF = "/contract/private/affiliate/"

ENDPOINTS: dict[str, Endpoint] = {
    _PUBLIC + "details": Endpoint(_GET, marketdata.details),
    _PUBLIC + "depth": Endpoint(_GET, marketdata.depth),
    _PUBLIC + "market-trade": Endpoint(_GET, marketdata.market_trades),
    _PUBLIC + "funding-rate": Endpoint(_GET, marketdata.funding_rate),
    _PUBLIC + "funding-rate-history": Endpoint(_GET, marketdata.funding_history),
    _PUBLIC + "kline": Endpoint(_GET, _kline),
    _PUBLIC + "markprice-kline": Endpoint(_GET, _mark_kline),
    _PUBLIC + "open-interest": Endpoint(_GET, marketdata.open_interest),
    _PUBLIC + "leverage-bracket": Endpoint(_GET, marketdata.leverage_brackets),
    _PRIVATE + "assets-detail": Endpoint(_GET, queries.assets_detail),
    _PRIVATE + "trade-fee-rate": Endpoint(_GET, queries.fee_rate),
    _PRIVATE + "position": Endpoint(_GET, queries.positions_v1),
    _PRIVATE + "position-v2": Endpoint(_GET, queries.positions_v2),
    _PRIVATE + "position-risk": Endpoint(_GET, queries.positions_risk),
    _PRIVATE + "get-position-mode": Endpoint(_GET, queries.position_mode),
    _PRIVATE + "transaction-history": Endpoint(_GET, queries.transaction_history),
    _PRIVATE + "submit-order": Endpoint(_POST, orders.submit_order, True, True),
    _PRIVATE + "cancel-order": Endpoint(_POST, amend.cancel_order, True),
    _PRIVATE + "cancel-orders": Endpoint(_POST, amend.cancel_orders, True),
    _PRIVATE + "modify-limit-order": Endpoint(_POST, amend.modify_limit_order, True, True),
    _PRIVATE + "cancel-all-after": Endpoint(_POST, amend.cancel_all_after, True),
    _PRIVATE + "submit-leverage": Endpoint(_POST, settings.submit_leverage, True),
    _PRIVATE + "set-position-mode": Endpoint(_POST, settings.set_position_mode, True),
    "/account/v1/transfer-contract": Endpoint(_POST, _transfer, True),
    _PRIVATE + "submit-plan-order": Endpoint(_POST, plans.submit_plan_order, True, True),
    _PRIVATE + "cancel-plan-order": Endpoint(_POST, plans.cancel_plan_order, True),
    _PRIVATE + "modify-plan-order": Endpoint(_POST, plans.modify_plan_order, True, True),
    _PRIVATE + "submit-tp-sl-order": Endpoint(_POST, tpsl.submit_tp_sl_order, True, True),
    _PRIVATE + "modify-tp-sl-order": Endpoint(_POST, tpsl.modify_tp_sl_order, True, True),
    _PRIVATE + "modify-preset-plan-order": Endpoint(
        _POST, tpsl.modify_preset_plan_order, True, True
    ),
    _PRIVATE + "submit-trail-order": Endpoint(_POST, trailing.submit_trail_order, True, True),
    _PRIVATE + "cancel-trail-order": Endpoint(_POST, trailing.cancel_trail_order, True),
    _PRIVATE + "order": Endpoint(_GET, queries.order_detail),
    _PRIVATE + "order-history": Endpoint(_GET, queries.order_history),
    _PRIVATE + "get-open-orders": Endpoint(_GET, queries.open_orders),
    _PRIVATE + "current-plan-order": Endpoint(_GET, queries.current_plan_orders),
    _PRIVATE + "trades": Endpoint(_GET, queries.trades),
    "/account/v1/transfer-contract-list": Endpoint(_POST, queries.transfer_list),
    _SUB + "main/v1/sub-to-main": Endpoint(_POST, extras.sub_account),
    _SUB + "main/v1/main-to-sub": Endpoint(_POST, extras.sub_account),
    _SUB + "sub/v1/sub-to-main": Endpoint(_POST, extras.sub_account),
    _SUB + "main/v1/wallet": Endpoint(_GET, extras.sub_account),
    _SUB + "main/v1/transfer-list": Endpoint(_GET, extras.sub_account),
    _SUB + "v1/transfer-history": Endpoint(_GET, extras.sub_account),
    _AFF + "rebate-list": Endpoint(_GET, extras.rebate_list),
    _AFF + "trade-list": Endpoint(_GET, extras.trade_list),
    _AFF + "rebate-user": Endpoint(_GET, extras.rebate_user),
    _AFF + "rebate-api": Endpoint(_GET, extras.rebate_api),
    _AFF + "invite-check": Endpoint(_GET, extras.invite_check),
    _AFF + "rebate-inviteUser": Endpoint(_GET, extras.rebate_invite_users),
    _PRIVATE + "claim": Endpoint(_POST, _claim, True),
    "/system/time": Endpoint(_GET, marketdata.system_time),
    "/system/service": Endpoint(_GET, marketdata.system_service),
    "/account/v1/wallet": Endpoint(_GET, queries.spot_wallet),
}


def endpoint(method: str, path: str) -> Endpoint | None:
    found = ENDPOINTS.get(path)
    return found if found is not None and found.method == method else None
