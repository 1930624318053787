"""Every REST path the simulator serves: method, auth level, rate limit, envelope flavour.

Transcribed from the API facts (section 2, plus section 18's spot wallet).  The table is data so
that the auth and rate-limit layers, the request log and the tests all read one source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from runner.sim.errors import ApiError


class Auth(Enum):
    NONE = "NONE"
    KEYED = "KEYED"  # X-BM-KEY only; any sign/timestamp headers are ignored
    SIGNED = "SIGNED"  # X-BM-KEY + X-BM-TIMESTAMP + X-BM-SIGN over the raw body


class LimitTarget(Enum):
    IP = "IP"
    KEY = "KEY"
    UID = "UID"


@dataclass(frozen=True)
class RateLimit:
    count: int
    window_s: int
    target: LimitTarget


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    auth: Auth
    limit: RateLimit
    affiliate: bool = False  # section 3.2 envelope
    recv_window: bool = False  # body `recvWindow` widens/narrows the timestamp window
    ok_message: str = "Ok"

    @property
    def is_write(self) -> bool:
        """A request that can change the account: every SIGNED POST except the transfer list."""
        return (
            self.auth is Auth.SIGNED
            and self.method == "POST"
            and self.path != "/account/v1/transfer-contract-list"
        )


_IP, _KEY, _UID = LimitTarget.IP, LimitTarget.KEY, LimitTarget.UID

# (method, path, auth, count, window_s, target) in the order of the facts' section 2 table.
_TABLE: tuple[tuple[str, str, Auth, int, int, LimitTarget], ...] = (
    ("GET", "/contract/public/details", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/depth", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/market-trade", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/funding-rate", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/funding-rate-history", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/kline", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/markprice-kline", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/public/open-interest", Auth.NONE, 2, 2, _IP),
    ("GET", "/contract/public/leverage-bracket", Auth.NONE, 12, 2, _IP),
    ("GET", "/contract/private/assets-detail", Auth.KEYED, 12, 2, _KEY),
    ("GET", "/contract/private/trade-fee-rate", Auth.KEYED, 2, 2, _KEY),
    ("GET", "/contract/private/position", Auth.KEYED, 6, 2, _KEY),
    ("GET", "/contract/private/position-v2", Auth.KEYED, 6, 2, _KEY),
    ("GET", "/contract/private/position-risk", Auth.KEYED, 24, 2, _KEY),
    ("GET", "/contract/private/get-position-mode", Auth.KEYED, 2, 2, _KEY),
    ("GET", "/contract/private/transaction-history", Auth.KEYED, 6, 2, _KEY),
    ("POST", "/contract/private/submit-order", Auth.SIGNED, 24, 2, _KEY),
    ("POST", "/contract/private/cancel-order", Auth.SIGNED, 40, 2, _KEY),
    ("POST", "/contract/private/cancel-orders", Auth.SIGNED, 2, 2, _KEY),
    ("POST", "/contract/private/modify-limit-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/cancel-all-after", Auth.SIGNED, 4, 2, _UID),
    ("POST", "/contract/private/submit-leverage", Auth.SIGNED, 24, 2, _KEY),
    ("POST", "/contract/private/set-position-mode", Auth.SIGNED, 2, 2, _KEY),
    ("POST", "/account/v1/transfer-contract", Auth.SIGNED, 1, 2, _KEY),
    ("POST", "/contract/private/submit-plan-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/cancel-plan-order", Auth.SIGNED, 40, 2, _UID),
    ("POST", "/contract/private/modify-plan-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/submit-tp-sl-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/modify-tp-sl-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/modify-preset-plan-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/submit-trail-order", Auth.SIGNED, 24, 2, _UID),
    ("POST", "/contract/private/cancel-trail-order", Auth.SIGNED, 24, 2, _UID),
    ("GET", "/contract/private/order", Auth.KEYED, 50, 2, _KEY),
    ("GET", "/contract/private/order-history", Auth.KEYED, 6, 2, _KEY),
    ("GET", "/contract/private/get-open-orders", Auth.KEYED, 50, 2, _KEY),
    ("GET", "/contract/private/current-plan-order", Auth.KEYED, 50, 2, _KEY),
    ("GET", "/contract/private/trades", Auth.KEYED, 6, 2, _KEY),
    ("POST", "/account/v1/transfer-contract-list", Auth.SIGNED, 1, 2, _KEY),
    ("POST", "/account/contract/sub-account/main/v1/sub-to-main", Auth.SIGNED, 8, 2, _KEY),
    ("POST", "/account/contract/sub-account/main/v1/main-to-sub", Auth.SIGNED, 8, 2, _KEY),
    ("POST", "/account/contract/sub-account/sub/v1/sub-to-main", Auth.SIGNED, 8, 2, _KEY),
    ("GET", "/account/contract/sub-account/main/v1/wallet", Auth.KEYED, 12, 2, _KEY),
    ("GET", "/account/contract/sub-account/main/v1/transfer-list", Auth.KEYED, 8, 2, _KEY),
    ("GET", "/account/contract/sub-account/v1/transfer-history", Auth.KEYED, 8, 2, _KEY),
    ("GET", "/contract/private/affiliate/rebate-list", Auth.KEYED, 24, 2, _KEY),
    ("GET", "/contract/private/affiliate/trade-list", Auth.KEYED, 24, 2, _KEY),
    ("GET", "/contract/private/affiliate/rebate-user", Auth.KEYED, 24, 2, _KEY),
    ("GET", "/contract/private/affiliate/rebate-api", Auth.KEYED, 24, 2, _KEY),
    ("GET", "/contract/private/affiliate/invite-check", Auth.KEYED, 24, 2, _KEY),
    ("GET", "/contract/private/affiliate/rebate-inviteUser", Auth.KEYED, 24, 2, _KEY),
    # Rate limit not published (facts #51); a generous per-key budget keeps it usable.
    ("POST", "/contract/private/claim", Auth.SIGNED, 24, 2, _KEY),
    ("GET", "/system/time", Auth.NONE, 10, 1, _IP),
    ("GET", "/system/service", Auth.NONE, 10, 1, _IP),
    # Spot wallet (facts section 18), served on the same host by the simulator.
    ("GET", "/account/v1/wallet", Auth.KEYED, 12, 2, _KEY),
    # Spot trading pairs and deposit currencies: the simulator lists none (it is a futures
    # exchange with a spot wallet), so a client that loads them with the contracts (ccxt's
    # load_markets, source C) gets the contracts instead of a 404.  Not futures endpoints: no
    # published limit in the facts; the futures public reads' 12 per 2 s per IP.
    ("GET", "/spot/v1/symbols/details", Auth.NONE, 12, 2, _IP),
    ("GET", "/account/v1/currencies", Auth.NONE, 12, 2, _IP),
)

_RECV_WINDOW_PATHS = frozenset(
    {"/account/v1/transfer-contract", "/account/v1/transfer-contract-list"}
)
# Facts section 18: the spot wallet answers with message "success".
_OK_MESSAGES = {"/account/v1/wallet": "success"}


def _build() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for method, path, auth, count, window_s, target in _TABLE:
        routes[path] = Route(
            method=method,
            path=path,
            auth=auth,
            limit=RateLimit(count, window_s, target),
            affiliate=path.startswith("/contract/private/affiliate/"),
            recv_window=path in _RECV_WINDOW_PATHS,
            ok_message=_OK_MESSAGES.get(path, "Ok"),
        )
    return routes


ROUTES: dict[str, Route] = _build()

# Used for the rate-limit headers of requests that match no route (facts 5.1: the older general
# default of 10 requests per second); such requests are never limited, only answered 404.
UNROUTED_LIMIT = RateLimit(10, 1, LimitTarget.IP)

_V1_PREFIX = "/contract/v1/"


def lookup(method: str, path: str) -> Route:
    """The route for a request, or ApiError: 30030 for Futures V1 paths, 30000/404 otherwise."""
    if path.startswith(_V1_PREFIX):
        raise ApiError(30030, "Futures V1 API has been deprecated, please use V2 API", 200)
    route = ROUTES.get(path)
    if route is None or route.method != method:
        raise ApiError(30000, "Not found", 404)
    return route
