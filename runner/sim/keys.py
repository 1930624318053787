"""What the simulated API key may do (facts 6.1: ``30012`` "Header X-BM-KEY is forbidden to
request it", HTTP 403, when a key lacks the permission for an endpoint).

BitMart keys carry Read and, optionally, Futures Trade permission.  ``read`` covers every KEYED
request; ``trade`` every signed write (``Route.is_write``).  The default key has both;
``sim serve --key-permissions read`` or ``POST /sim/key {"permissions": ["read"]}`` makes it a
read-only key, so writes answer 30012 as the exchange does.
"""

from __future__ import annotations

from collections.abc import Iterable

from runner.sim.errors import ApiError
from runner.sim.routes import Auth, Route

PERMISSIONS = ("read", "trade")
ALL = frozenset(PERMISSIONS)
FORBIDDEN = (30012, "Header X-BM-KEY is forbidden to request it", 403)


def parse_permissions(names: Iterable[object]) -> frozenset[str]:
    chosen = set()
    for name in names:
        if not isinstance(name, str) or name not in PERMISSIONS:
            raise ValueError(f"permissions are {', '.join(PERMISSIONS)}; got {name!r}")
        chosen.add(name)
    return frozenset(chosen)


def check_permission(route: Route, permissions: frozenset[str]) -> None:
    """Raise 30012 when the key lacks what ``route`` needs (after authentication passed)."""
    if route.auth is Auth.NONE:
        return
    needed = "trade" if route.is_write else "read"
    if needed not in permissions:
        raise ApiError(*FORBIDDEN)
