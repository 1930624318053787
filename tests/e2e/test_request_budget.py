"""apply at the floor, counted in requests: the simulator's request log is the witness.

The reference plan (fund the futures wallet, then a 3-contract long with a relative stop) from a
fresh account takes four rounds: one parallel read round (with the transfer list the transfer is
compared with), the transfer, the open, one parallel verification round (which is also the read
that re-resolves the relative stop).  These tests pin the counts and the order, not times: the
requests between two writes are one round because the readers send them all at once
(tests/compiler/test_snapshot.py and tests/execute/test_flow_rounds.py hold every read of a round
in flight together).
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
TP_SL = "/contract/private/submit-tp-sl-order"
SNAPSHOT = {
    "/contract/public/details",
    "/contract/public/leverage-bracket",
    "/contract/private/position-v2",
    "/contract/private/get-open-orders",
    "/contract/private/current-plan-order",
    "/contract/private/assets-detail",
    "/account/v1/wallet",
}

# the verification round reads the whole account (the apply report shows every position) with
# one account-wide position-v2 instead of one per symbol; the mode comes from its rows or from
# the first round (nothing in the run changed it): no get-position-mode
WHOLE = Counter(dict.fromkeys(SNAPSHOT - {"/account/v1/wallet"}, 1))


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
    # one read round, the transfer list in it: transfers carry no client id, so what the
    # exchange lists right before the send is what an unknown outcome is compared with (a second
    # runner's top-up is never taken for ours); the run goes straight to the transfer, so the
    # list of the read round is that list, and it is not read again
    assert reads == Counter({**dict.fromkeys(SNAPSHOT, 1), FEE_RATE: 1, TRANSFER_LIST: 1})
    assert transfer == Counter({TRANSFER: 1})
    assert after_transfer == Counter()  # the open follows the transfer at once
    assert submit == Counter({SUBMIT: 1})
    # one snapshot (each read once, position-v2 for the whole account), the order's history
    # lookup and the transfer list, together: the relative stop did not have to move, so this
    # read is also the verification; the transfer is verified by its listing, and an identical
    # one another runner home made at the same moment is seen and said (issue 19)
    assert verification == WHOLE + Counter(
        {"/account/v1/wallet": 1, HISTORY: 1, TRANSFER_LIST: 1}
    )


def test_a_second_apply_reads_once_and_sends_nothing(runner_cli: Cli) -> None:
    assert runner_cli.run("apply", str(REFERENCE), "--yes").code == ExitCode.OK
    before = len(runner_cli.server.request_log())
    again = runner_cli.run("apply", str(REFERENCE), "--yes")
    assert again.code == ExitCode.OK, again.text
    assert "No changes" in again.out
    log = runner_cli.server.request_log()[before:]
    # one read round; the fee tier comes from the runner home now.  The transfer list is read in
    # it too: a plan that may top up cannot know before the round whether it will, and reading
    # it later would cost a round whenever it does
    assert Counter(e.path for e in log) == Counter({**dict.fromkeys(SNAPSHOT, 1), TRANSFER_LIST: 1})


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
    assert verification == WHOLE


def test_ladder_levels_are_placed_without_reads_between_them(runner_cli: Cli) -> None:
    ladder = REFERENCE.parents[2] / "plans" / "examples" / "tp-ladder.yaml"
    runner_cli.server.fund("spot", "5000")
    done = runner_cli.run("apply", str(ladder), "--yes")
    assert done.code == ExitCode.OK, done.text
    segments = _segments(runner_cli.server.request_log())
    writes = [next(iter(s)) for s in segments[1::2]]
    assert writes == [TRANSFER, SUBMIT, TP_SL, TP_SL, TP_SL]
    reads = segments[0::2]
    # the transfer is verified on one list read, sent with the round after the open (the first
    # read round after the transfer) and not in a round of its own after the verification; the
    # list allows one read per 2 s, so the exchange may see it a moment later, between the levels
    assert sum(r[TRANSFER_LIST] for r in reads[1:]) == 1
    reads = [r - Counter({TRANSFER_LIST: r[TRANSFER_LIST]}) for r in reads]
    # the round after the open resolves all three levels against the actual entry (a TP/SL
    # placed does not move it): nothing is read between the levels, one round verifies
    assert reads[1] == Counter()  # the open follows the transfer
    assert reads[2] == WHOLE + Counter({"/account/v1/wallet": 1, HISTORY: 1})
    assert reads[3] == Counter() and reads[4] == Counter()
    assert reads[5] == WHOLE + Counter({"/account/v1/wallet": 1})
