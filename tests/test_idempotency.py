"""Client order ids two runners agree on: derived from account, plan and the state moved from."""

from __future__ import annotations

from runner.compiler.idempotency import reissued_id, state_nonce
from tests.compiler.fixtures import long_btc, snapshot


def test_the_same_state_gives_the_same_nonce_on_any_host() -> None:
    assert state_nonce("acct", "btc", snapshot()) == state_nonce("acct", "btc", snapshot())


def test_balances_and_prices_do_not_change_it_but_positions_do() -> None:
    base = state_nonce("acct", "btc", snapshot())
    assert state_nonce("acct", "btc", snapshot(futures="12345")) == base
    moved = snapshot()
    moved = moved.evolve(
        markets={k: type(v)(v.last + 100, v.mark + 90) for k, v in moved.markets.items()}
    )
    assert state_nonce("acct", "btc", moved) == base
    assert state_nonce("acct", "btc", snapshot(positions=(long_btc(),))) != base
    assert state_nonce("other", "btc", snapshot()) != base
    assert state_nonce("acct", "eth", snapshot()) != base


def test_a_nonce_is_six_base36_characters() -> None:
    nonce = state_nonce("acct", "btc", snapshot())
    assert len(nonce) == 6 and nonce.isalnum() and nonce.upper() == nonce


def test_a_reissued_id_keeps_its_prefix_and_length() -> None:
    old = "BRABCDEF123O000000"
    new = reissued_id(old, "9001")
    assert new[:-6] == old[:-6] and len(new) == len(old) and new != old
    assert reissued_id(old, "9001") == new and reissued_id(old, "9002") != new
