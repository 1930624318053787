"""Long waits show a countdown on a terminal and stay one plain line elsewhere."""

from __future__ import annotations

from runner.session import progress_sleep


def test_terminal_wait_counts_down_and_sleeps_the_whole_time() -> None:
    slept: list[float] = []
    written: list[str] = []
    wait = progress_sleep(lambda: True, written.append, slept.append)
    wait(3.5)
    assert sum(slept) == 3.5
    assert slept == [1.0, 1.0, 1.0, 0.5]
    assert [" ".join(w.split()) for w in written[:-1]] == [
        "... 4 s left",
        "... 3 s left",
        "... 2 s left",
        "... 1 s left",
    ]
    assert all(w.startswith("\r") for w in written)  # redrawn in place, one line
    assert written[-1].strip() == ""  # and cleared afterwards


def test_no_terminal_means_no_countdown() -> None:
    slept: list[float] = []
    written: list[str] = []
    progress_sleep(lambda: False, written.append, slept.append)(30.0)
    assert slept == [30.0] and written == []


def test_short_waits_are_not_decorated() -> None:
    slept: list[float] = []
    written: list[str] = []
    progress_sleep(lambda: True, written.append, slept.append)(0.5)
    assert slept == [0.5] and written == []
