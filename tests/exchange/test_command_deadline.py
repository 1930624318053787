"""The command's time limit (--timeout): every request and every wait counts against it, a wait
it cannot hold is refused at once, and the CONFIRM prompt does not count."""

from __future__ import annotations

import pytest

from runner.exchange.deadline import CommandDeadline, timed_sleep
from runner.exchange.errors import TimeUp
from tests.fakes import FakeTime


def test_time_left_follows_the_clock_and_a_cut_request_ends_it() -> None:
    clock = FakeTime()
    deadline = CommandDeadline(30, clock.clock)
    clock.sleep(10)
    assert deadline.left() == 20 and not deadline.passed
    deadline.cut()  # a request used all the time that was left
    assert deadline.passed
    with pytest.raises(TimeUp, match=r"--timeout 30 s\): /x was not sent"):
        deadline.check("/x was not sent")


def test_a_wait_longer_than_the_time_left_is_refused_without_waiting() -> None:
    clock = FakeTime()
    deadline = CommandDeadline(30, clock.clock)
    wait = timed_sleep(clock.sleep, deadline)
    wait(25)
    with pytest.raises(TimeUp, match="not waiting 10 s"):
        wait(10)
    assert clock.sleeps == [25]  # the refused wait did not happen


def test_the_prompt_does_not_count() -> None:
    clock = FakeTime()
    deadline = CommandDeadline(30, clock.clock)
    with deadline.paused():
        clock.sleep(600)  # a person reading the diff
    assert deadline.left() == 30
