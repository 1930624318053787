"""Client order ids that two runners acting on the same account at the same moment agree on.

The id's last six characters were a random per-run nonce: two runners (two hosts, two runner
homes) applying the same plan at once sent different ids, and the exchange took both orders.
They are now derived from what is being done: the account, the plan, and the state of the
account the plan moves from (positions, working and trigger orders, mode, settings — not
balances or prices, which drift between two reads taken a moment apart).  Two runners that read
the same state send the same ids, and the exchange refuses the second (40050), which the
executor treats as "already on the exchange".  Once the account has moved (the order filled, the
position changed), the next run derives new ids, so a new intent is never mistaken for an old one.
"""

from __future__ import annotations

import hashlib
import json

from runner.compiler.snapshot import Snapshot

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _state(snapshot: Snapshot) -> dict[str, object]:
    return {
        "mode": None if snapshot.mode is None else snapshot.mode.value,
        "positions": sorted(
            (p.symbol, p.side.value, str(p.size), str(p.leverage), p.margin.value)
            for p in snapshot.positions
        ),
        "orders": sorted(
            (o.order_id, str(o.size), str(o.filled), str(o.price)) for o in snapshot.open_orders
        ),
        "triggers": sorted(
            (t.order_id, str(t.trigger), str(t.size)) for t in snapshot.trigger_orders
        ),
        "settings": sorted(
            (s.symbol, str(s.leverage), s.margin.value) for s in snapshot.settings.values()
        ),
    }


def _base36(text: str) -> str:
    number = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    out = []
    for _ in range(6):
        number, digit = divmod(number, 36)
        out.append(_ALPHABET[digit])
    return "".join(out)


def state_nonce(account_id: str, plan_name: str, snapshot: Snapshot) -> str:
    """Six base-36 characters naming (account, plan, the state the plan moves from)."""
    canonical = json.dumps(
        [account_id, plan_name, _state(snapshot)], sort_keys=True, separators=(",", ":")
    )
    return _base36(canonical)


def reissued_id(client_order_id: str, cancelled_order_id: str) -> str:
    """A new id for an intent whose id an order cancelled unfilled has taken: the same prefix
    (plan, step, purpose), the last six characters derived from the dead order."""
    return client_order_id[:-6] + _base36(f"{client_order_id}|{cancelled_order_id}")
