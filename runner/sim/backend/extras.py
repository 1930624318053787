"""Sub-account (#39-#44), affiliate (#45-#50) and demo claim (#51) endpoints.

The simulated account is an ordinary (personal) account: the sub-account API answers the
account layer's 61006 (organisation accounts only, facts 6.3, 10.11).  The affiliate endpoints
answer in their own envelope (built by the server side) with empty results: this account has
invited nobody.
"""

from __future__ import annotations

from typing import Any

from runner.sim.backend.errors import reject
from runner.sim.backend.params import Params
from runner.sim.backend.state import Book


def sub_account(book: Book, params: Params, now_ms: int) -> Any:
    raise reject(61006)


def _page(params: Params, *, cap: int | None = None) -> tuple[int, int]:
    page = params.required_int("page")
    size = params.required_int("size")
    if page < 1 or size < 1:
        raise reject(40007, "page and size must be positive")
    return page, min(size, cap) if cap else size


def rebate_list(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    page, size = _page(params)
    params.text("currency", required=True)
    return {
        "total": 0,
        "page": page,
        "size": size,
        "btc_rebate_sum": 0,
        "usdt_rebate_sum": 0,
        "eth_rebate_sum": 0,
        "rebate_detail_page_data": [],
    }


def trade_list(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    params.required_int("user_id")
    params.required_int("type")
    page, size = _page(params)
    return {"total": 0, "page": page, "size": size, "list": []}


def rebate_user(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    cid = params.required_int("cid")
    _range(params)
    totals = (
        "back_rate",
        "trading_vol_total",
        "trading_fee_total",
        "rebate_total",
        "trading_vol",
        "trading_fee",
        "rebate",
    )
    return {"cid": cid, **{name: "0" for name in totals}}


def rebate_api(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    params.required_int("cid")
    _range(params)
    return {"api_trading_fee_total": "0", "api_rebate_total": "0"}


def invite_check(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    params.required_int("cid")
    return {"isInviteUser": False}


def rebate_invite_users(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    _range(params)
    page, size = _page(params, cap=50)
    return {"list": [], "page": page, "size": size, "total": 0}


def _range(params: Params) -> None:
    start = params.required_int("start_time")
    end = params.required_int("end_time")
    if end <= start or end - start > 60 * 24 * 3600:
        raise reject(40039)
