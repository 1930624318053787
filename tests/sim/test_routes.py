"""The route table mirrors facts section 2 (plus the spot wallet of section 18)."""

from __future__ import annotations

import pytest

from runner.sim.errors import ApiError
from runner.sim.routes import ROUTES, Auth, LimitTarget, lookup


def test_all_53_paths_plus_spot_wallet_spot_pairs_and_currencies() -> None:
    assert len(ROUTES) == 56
    assert ROUTES["/account/v1/wallet"].auth is Auth.KEYED
    assert ROUTES["/spot/v1/symbols/details"].auth is Auth.NONE
    assert ROUTES["/account/v1/currencies"].auth is Auth.NONE


@pytest.mark.parametrize(
    ("path", "method", "auth", "count", "window", "target"),
    [
        ("/contract/public/open-interest", "GET", Auth.NONE, 2, 2, LimitTarget.IP),
        ("/contract/private/position-v2", "GET", Auth.KEYED, 6, 2, LimitTarget.KEY),
        ("/contract/private/submit-order", "POST", Auth.SIGNED, 24, 2, LimitTarget.KEY),
        ("/contract/private/modify-limit-order", "POST", Auth.SIGNED, 24, 2, LimitTarget.UID),
        ("/account/v1/transfer-contract", "POST", Auth.SIGNED, 1, 2, LimitTarget.KEY),
        ("/account/v1/transfer-contract-list", "POST", Auth.SIGNED, 1, 2, LimitTarget.KEY),
        ("/contract/private/cancel-trail-order", "POST", Auth.SIGNED, 24, 2, LimitTarget.UID),
        ("/system/time", "GET", Auth.NONE, 10, 1, LimitTarget.IP),
    ],
)
def test_route_facts(path: str, method: str, auth: Auth, count: int, window: int, target) -> None:
    route = ROUTES[path]
    assert (route.method, route.auth) == (method, auth)
    assert (route.limit.count, route.limit.window_s, route.limit.target) == (count, window, target)


def test_affiliate_and_recv_window_flags() -> None:
    affiliate = {path for path, route in ROUTES.items() if route.affiliate}
    assert len(affiliate) == 6
    assert all(path.startswith("/contract/private/affiliate/") for path in affiliate)
    assert {p for p, r in ROUTES.items() if r.recv_window} == {
        "/account/v1/transfer-contract",
        "/account/v1/transfer-contract-list",
    }


def test_writes_are_signed_posts_except_transfer_list() -> None:
    assert ROUTES["/contract/private/submit-order"].is_write
    assert ROUTES["/account/v1/transfer-contract"].is_write
    assert not ROUTES["/account/v1/transfer-contract-list"].is_write
    assert not ROUTES["/contract/private/get-open-orders"].is_write
    every_signed_get = [r for r in ROUTES.values() if r.auth is Auth.SIGNED and r.method == "GET"]
    assert every_signed_get == []  # facts 4.3: no futures GET is signed


@pytest.mark.parametrize(
    ("method", "path", "code", "status"),
    [
        ("GET", "/contract/private/submit-order", 30000, 404),  # wrong method
        ("POST", "/contract/private/position-v2", 30000, 404),
        ("GET", "/spot/v1/transfer-contract", 30000, 404),  # no such route (facts 6.1)
        ("POST", "/contract/private/close-all-position", 30000, 404),  # outside the 53 (facts 15)
        ("GET", "/contract/v1/ifcontract/contracts", 30030, 200),  # V1 switched off
    ],
)
def test_lookup_rejections(method: str, path: str, code: int, status: int) -> None:
    with pytest.raises(ApiError) as info:
        lookup(method, path)
    assert (info.value.code, info.value.http_status) == (code, status)
