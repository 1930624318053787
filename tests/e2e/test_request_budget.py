"""apply at the floor, counted in requests: the simulator's request log is the witness.

The reference plan (fund the futures wallet, then a 3-contract long with a relative stop) from a
fresh account takes four rounds: one parallel read round, the transfer, the open, one parallel
verification round (which is also the read that re-resolves the relative stop).  These tests pin
the counts and the order, not times.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from runner.errors import ExitCode
from tests.e2e.conftest import Cli

REFERENCE = Path(__file__).resolve().parents[2] / "bench" / "plans" / "reference.yaml"
TRANSFER = "/account/v1/transfer-contract"
TRANSFER_LIST = "/account/v1/transfer-contract-list"
SUBMIT = "/contract/private/submit-order"
HISTORY = "/contract/private/order-history"
FEE_RATE = "/contract/private/trade-fee-rate"
SNAPSHOT = {
    "/contract/public/details",
    "/contract/public/leverage-bracket",
    "/contract/private/position-v2",
    "/contract/private/get-open-orders",
    "/contract/private/current-plan-order",
    "/contract/private/assets-detail",
    "/account/v1/wallet",
}

# the verification round reads the whole account too (the apply report shows every position):
# all positions and the position mode, in parallel with the rest of the round
WHOLE = Counter({"/contract/private/position-v2": 1, "/contract/private/get-position-mode": 1})


def _segments(log: list[Any]) -> list[Counter[str]]:
    """The requests between writes: reads before the first, each write alone, reads after."""
    segments: list[Counter[str]] = [Counter()]
    for entry in log:
        if entry.write:
            segments.append(Counter({entry.path: 1}))
            segments.append(Counter())
        else:
            segments[-1][entry.path] += 1
    return segments


def test_reference_apply_is_one_read_round_two_writes_and_one_verification_round(
    runner_cli: Cli,
) -> None:
    done = runner_cli.run("apply", str(REFERENCE), "--yes")
    assert done.code == ExitCode.OK, done.text
    reads, transfer, after_transfer, submit, verification = _segments(
        runner_cli.server.request_log()
    )
    # the read round, then the transfer list right before the transfer (transfers carry no
    # client id: what the exchange lists just before the send is what an unknown outcome is
    # compared with, so a second runner's top-up is never taken for ours; one round more)
    assert reads == Counter({**dict.fromkeys(SNAPSHOT, 1), FEE_RATE: 1, TRANSFER_LIST: 1})
    assert transfer == Counter({TRANSFER: 1})
    assert after_transfer == Counter()  # the open follows the transfer at once
    assert submit == Counter({SUBMIT: 1})
    # one snapshot (each read once) and the order's history lookup, together: the relative stop
    # did not have to move, so this read is also the verification
    # (read for the whole account, every position and the mode, for the report: same round)
    # and, after it, the transfer list: the transfer is verified by its listing, and an identical
    # one another runner home made at the same moment is seen and said (issue 19)
    assert verification == Counter(dict.fromkeys(SNAPSHOT, 1)) + WHOLE + Counter(
        {HISTORY: 1, TRANSFER_LIST: 1}
    )


def test_a_second_apply_reads_once_and_sends_nothing(runner_cli: Cli) -> None:
    assert runner_cli.run("apply", str(REFERENCE), "--yes").code == ExitCode.OK
    before = len(runner_cli.server.request_log())
    again = runner_cli.run("apply", str(REFERENCE), "--yes")
    assert again.code == ExitCode.OK, again.text
    assert "No changes" in again.out
    log = runner_cli.server.request_log()[before:]
    # one read round; the fee tier comes from the runner home now
    assert Counter(e.path for e in log) == Counter(dict.fromkeys(SNAPSHOT, 1))


def test_a_resting_limit_order_is_verified_from_the_snapshot_alone(
    runner_cli: Cli, tmp_path: Path
) -> None:
    plan = tmp_path / "limit.yaml"
    plan.write_text(
        "version: 1\nname: limit-buy\nsteps:\n"
        "  - position:\n      symbol: BTCUSDT\n      side: long\n      size: 2\n"
        "      leverage: 5\n      margin: isolated\n"
        "      entry: {type: limit, price: 50000, mode: gtc}\n",
        "utf-8",
    )
    runner_cli.server.fund("futures", "1000")
    done = runner_cli.run("apply", str(plan), "--yes")
    assert done.code == ExitCode.OK, done.text
    *_, submit, verification = _segments(runner_cli.server.request_log())
    assert submit == Counter({SUBMIT: 1})
    # the order rests: the snapshot's open orders show it, so no history lookup at all
    expected = Counter(dict.fromkeys(SNAPSHOT - {"/account/v1/wallet"}, 1)) + WHOLE
    assert verification == expected
