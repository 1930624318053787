from __future__ import annotations

import re

from runner.compiler.actions import OrderIds, plan_tag


def test_client_order_ids_are_alphanumeric_at_most_32_and_deterministic() -> None:
    ids = OrderIds("btc-swing", nonce="a1b2c3")
    cid = ids.make("#1", "O")
    assert re.fullmatch(r"[A-Za-z0-9]{1,32}", cid)
    assert cid == OrderIds("btc-swing", nonce="a1b2c3").make("#1", "O")
    assert cid.startswith(ids.prefix("#1"))
    assert ids.make("#1", "T") != cid
    assert ids.make("#2", "O") != cid
    assert OrderIds("btc-swing", nonce="zzzzzz").make("#1", "O") != cid
    assert OrderIds("eth-swing", nonce="a1b2c3").make("#1", "O")[:8] != cid[:8]
    assert len(plan_tag("x")) == 6


def test_nonce_is_sanitised_to_alphanumerics() -> None:
    cid = OrderIds("p", nonce="20261124T1-ab").make("s", "O")
    assert re.fullmatch(r"[A-Z0-9]+", cid)
