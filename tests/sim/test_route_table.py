"""One table of what the simulator serves (``runner.sim.routes``), checked against the API facts:
exactly the 53 endpoints of section 2 (plus section 18's spot wallet, and the spot pairs and
currencies, listed empty, that ccxt loads with the contracts), with their method, auth level
and published rate limit; and every route has a backend function, nothing more."""

from __future__ import annotations

import re
from pathlib import Path

from runner.sim.backend.dispatch import ENDPOINTS
from runner.sim.routes import ROUTES, Auth, LimitTarget

ROOT = Path(__file__).resolve().parents[2]
# the API facts live in ../shared beside the checkout (CI lays it there); a vendored copy of
# section 2 keeps the test meaningful anywhere, and is itself compared with the shared file
SHARED = ROOT.parent / "shared" / "bitmart-futures-api.md"
VENDORED = Path(__file__).parent / "data" / "facts-endpoint-index.md"
ROW = re.compile(
    r"^\| (\d+) \| (GET|POST) \| `([^`]+)`[^|]* \| (NONE|KEYED|SIGNED) \| "
    r"(?:(\d+) / (\d+) s per (IP|KEY|UID)|not published)[^|]* \|$"
)
SPOT_WALLET = ("GET", "/account/v1/wallet")
# none of either: a client's market load (ccxt) reads them with the contracts
SPOT_PAIRS = {("GET", "/spot/v1/symbols/details"), ("GET", "/account/v1/currencies")}


def _index(text: str) -> str:
    start = text.index("## 2. Endpoint index")
    return text[start : text.index("\n## 3.", start)]


def _rows() -> list[re.Match[str]]:
    rows = [m for line in VENDORED.read_text("utf-8").splitlines() if (m := ROW.match(line))]
    assert [int(m.group(1)) for m in rows] == list(range(1, 54))
    return rows


def test_the_vendored_index_is_the_shared_facts_when_present() -> None:
    vendored = VENDORED.read_text("utf-8")
    assert vendored.startswith("## 2. Endpoint index")
    if SHARED.exists():
        assert _index(SHARED.read_text("utf-8")).rstrip() == vendored.rstrip()


def test_routes_are_exactly_the_facts_endpoints() -> None:
    documented = {(m.group(2), m.group(3)) for m in _rows()} | {SPOT_WALLET} | SPOT_PAIRS
    served = {(r.method, r.path) for r in ROUTES.values()}
    assert served == documented


def test_auth_and_published_limits_match_the_facts() -> None:
    for m in _rows():
        route = ROUTES[m.group(3)]
        assert route.auth is Auth(m.group(4)), route.path
        if m.group(5) is not None:  # claim (51) has no published limit
            assert route.limit.count == int(m.group(5)), route.path
            assert route.limit.window_s == int(m.group(6)), route.path
            assert route.limit.target is LimitTarget(m.group(7)), route.path


def test_every_route_has_a_backend_function_and_nothing_else() -> None:
    assert set(ENDPOINTS) == set(ROUTES)


def test_writes_are_the_signed_posts_but_the_transfer_list() -> None:
    writes = {r.path for r in ROUTES.values() if r.is_write}
    signed_posts = {
        m.group(3) for m in _rows() if m.group(2) == "POST" and m.group(4) == "SIGNED"
    }
    assert writes == signed_posts - {"/account/v1/transfer-contract-list"}
    assert "/account/contract/sub-account/main/v1/sub-to-main" in writes
