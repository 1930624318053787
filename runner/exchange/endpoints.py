"""The 53 endpoints of the facts' section 2 plus the spot wallet (section 18), as data.

Each endpoint knows its method, auth level, published rate limit and the host it lives on; the
transport reads everything from here, so auth and limits cannot drift apart per call site.
"""

from __future__ import annotations

from enum import Enum

from runner.exchange.signing import Auth
from runner.values import value


class Host(Enum):
    FUTURES = "futures"
    SPOT = "spot"  # the spot wallet only: api-cloud.bitmart.com on live


@value
class Endpoint:
    method: str
    path: str
    auth: Auth
    limit: int  # requests per window (facts section 2)
    window_s: float
    host: Host = Host.FUTURES

    @property
    def is_post(self) -> bool:
        return self.method == "POST"


_N, _K, _S = Auth.NONE, Auth.KEYED, Auth.SIGNED


def _get(path: str, auth: Auth, limit: int, window_s: float = 2) -> Endpoint:
    return Endpoint("GET", path, auth, limit, window_s)


def _post(path: str, limit: int, window_s: float = 2) -> Endpoint:
    return Endpoint("POST", path, Auth.SIGNED, limit, window_s)


_PUBLIC = "/contract/public/"
_PRIVATE = "/contract/private/"
_SUB = "/account/contract/sub-account/"
_AFF = "/contract/private/affiliate/"

# 1-9 market data (NONE)
DETAILS = _get(_PUBLIC + "details", _N, 12)
DEPTH = _get(_PUBLIC + "depth", _N, 12)
MARKET_TRADE = _get(_PUBLIC + "market-trade", _N, 12)
FUNDING_RATE = _get(_PUBLIC + "funding-rate", _N, 12)
FUNDING_RATE_HISTORY = _get(_PUBLIC + "funding-rate-history", _N, 12)
KLINE = _get(_PUBLIC + "kline", _N, 12)
MARKPRICE_KLINE = _get(_PUBLIC + "markprice-kline", _N, 12)
OPEN_INTEREST = _get(_PUBLIC + "open-interest", _N, 2)
LEVERAGE_BRACKET = _get(_PUBLIC + "leverage-bracket", _N, 12)
# 10-16 account data (KEYED)
ASSETS_DETAIL = _get(_PRIVATE + "assets-detail", _K, 12)
TRADE_FEE_RATE = _get(_PRIVATE + "trade-fee-rate", _K, 2)
POSITION = _get(_PRIVATE + "position", _K, 6)
POSITION_V2 = _get(_PRIVATE + "position-v2", _K, 6)
POSITION_RISK = _get(_PRIVATE + "position-risk", _K, 24)
GET_POSITION_MODE = _get(_PRIVATE + "get-position-mode", _K, 2)
TRANSACTION_HISTORY = _get(_PRIVATE + "transaction-history", _K, 6)
# 17-24 trading (SIGNED)
SUBMIT_ORDER = _post(_PRIVATE + "submit-order", 24)
CANCEL_ORDER = _post(_PRIVATE + "cancel-order", 40)
CANCEL_ORDERS = _post(_PRIVATE + "cancel-orders", 2)
MODIFY_LIMIT_ORDER = _post(_PRIVATE + "modify-limit-order", 24)
CANCEL_ALL_AFTER = _post(_PRIVATE + "cancel-all-after", 4)
SUBMIT_LEVERAGE = _post(_PRIVATE + "submit-leverage", 24)
SET_POSITION_MODE = _post(_PRIVATE + "set-position-mode", 2)
TRANSFER_CONTRACT = _post("/account/v1/transfer-contract", 1)
# 25-32 plan, TP/SL and trailing orders (SIGNED)
SUBMIT_PLAN_ORDER = _post(_PRIVATE + "submit-plan-order", 24)
CANCEL_PLAN_ORDER = _post(_PRIVATE + "cancel-plan-order", 40)
MODIFY_PLAN_ORDER = _post(_PRIVATE + "modify-plan-order", 24)
SUBMIT_TP_SL_ORDER = _post(_PRIVATE + "submit-tp-sl-order", 24)
MODIFY_TP_SL_ORDER = _post(_PRIVATE + "modify-tp-sl-order", 24)
MODIFY_PRESET_PLAN_ORDER = _post(_PRIVATE + "modify-preset-plan-order", 24)
SUBMIT_TRAIL_ORDER = _post(_PRIVATE + "submit-trail-order", 24)
CANCEL_TRAIL_ORDER = _post(_PRIVATE + "cancel-trail-order", 24)
# 33-38 order and fill queries
ORDER = _get(_PRIVATE + "order", _K, 50)
ORDER_HISTORY = _get(_PRIVATE + "order-history", _K, 6)
GET_OPEN_ORDERS = _get(_PRIVATE + "get-open-orders", _K, 50)
CURRENT_PLAN_ORDER = _get(_PRIVATE + "current-plan-order", _K, 50)
TRADES = _get(_PRIVATE + "trades", _K, 6)
TRANSFER_CONTRACT_LIST = _post("/account/v1/transfer-contract-list", 1)  # a read, but signed POST
# 39-44 sub-accounts
SUB_TO_MAIN_BY_MAIN = _post(_SUB + "main/v1/sub-to-main", 8)
MAIN_TO_SUB = _post(_SUB + "main/v1/main-to-sub", 8)
SUB_TO_MAIN_BY_SUB = _post(_SUB + "sub/v1/sub-to-main", 8)
SUB_WALLET = _get(_SUB + "main/v1/wallet", _K, 12)
SUB_TRANSFER_LIST = _get(_SUB + "main/v1/transfer-list", _K, 8)
SUB_TRANSFER_HISTORY = _get(_SUB + "v1/transfer-history", _K, 8)
# 45-50 affiliate (KEYED; affiliate envelope)
AFF_REBATE_LIST = _get(_AFF + "rebate-list", _K, 24)
AFF_TRADE_LIST = _get(_AFF + "trade-list", _K, 24)
AFF_REBATE_USER = _get(_AFF + "rebate-user", _K, 24)
AFF_REBATE_API = _get(_AFF + "rebate-api", _K, 24)
AFF_INVITE_CHECK = _get(_AFF + "invite-check", _K, 24)
AFF_REBATE_INVITE_USER = _get(_AFF + "rebate-inviteUser", _K, 24)
# 51 demo top-up: limit not published; facts 5.1's general default of 10 per second.
CLAIM = _post(_PRIVATE + "claim", 10, 1)
# 52-53 system (NONE, 1-second windows)
SYSTEM_TIME = _get("/system/time", _N, 10, 1)
SYSTEM_SERVICE = _get("/system/service", _N, 10, 1)
# Section 18: the spot wallet, on the spot host.
SPOT_WALLET = Endpoint("GET", "/account/v1/wallet", _K, 12, 2, Host.SPOT)

ALL: tuple[Endpoint, ...] = tuple(
    value for value in tuple(globals().values()) if isinstance(value, Endpoint)
)
BY_PATH: dict[str, Endpoint] = {endpoint.path: endpoint for endpoint in ALL}
WRITES: frozenset[str] = frozenset(
    e.path for e in ALL if e.is_post and e is not TRANSFER_CONTRACT_LIST
)
