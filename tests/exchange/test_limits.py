"""The client-side limiter: published limits per endpoint, shared across clients, the exchange's
own counters respected, and every wait longer than a second announced."""

from __future__ import annotations

import threading

import pytest
import responses

from runner.config import resolve_target
from runner.exchange import ReadClient, RetryPolicy, TradeClient, limits, open_read_client
from runner.exchange.limits import LimiterRegistry, parse_rate_headers
from tests.exchange.conftest import DOC_CREDS, LIVE, FakeTime, envelope

POSITIONS = f"{LIVE}/contract/private/position-v2"


def test_seventh_position_read_within_two_seconds_waits(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime, notes: list[str]
) -> None:
    mocked.get(POSITIONS, json=envelope([]))
    for _ in range(6):
        reader.positions_v2("BTCUSDT")
    assert fake_time.sleeps == [] and notes == []
    reader.positions_v2("BTCUSDT")
    assert fake_time.sleeps == [2.0]
    assert len(notes) == 1 and "position-v2" in notes[0] and "6 per 2 s" in notes[0]
    assert len(mocked.calls) == 7


def test_the_budget_is_shared_by_every_client_of_the_process(
    mocked: responses.RequestsMock, reader: ReadClient, policy: RetryPolicy, fake_time: FakeTime
) -> None:
    mocked.get(POSITIONS, json=envelope([]))
    with open_read_client(resolve_target("live", None), DOC_CREDS, retry=policy) as other:
        for _ in range(3):
            reader.positions_v2()
            other.positions_v2()
        assert fake_time.sleeps == []
        other.positions_v2()
    assert fake_time.sleeps == [2.0]


def test_endpoints_have_separate_budgets(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime
) -> None:
    mocked.get(POSITIONS, json=envelope([]))
    mocked.get(f"{LIVE}/contract/private/get-open-orders", json=envelope([]))
    for _ in range(6):
        reader.positions_v2()
        reader.open_orders()
    assert fake_time.sleeps == []


def test_transfer_list_is_one_per_two_seconds(
    mocked: responses.RequestsMock, trader: TradeClient, fake_time: FakeTime
) -> None:
    mocked.post(f"{LIVE}/account/v1/transfer-contract-list", json=envelope({"records": []}))
    trader.transfer_list()
    fake_time.now += 0.5
    trader.transfer_list()
    assert fake_time.sleeps == [1.5]  # a sliding window: only the rest of the 2 s


def test_short_waits_are_not_announced(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime, notes: list[str]
) -> None:
    mocked.get(f"{LIVE}/system/time", json=envelope({"server_time": 1}))
    for _ in range(11):  # 10 per 1 s
        reader.system_time_ms()
    assert fake_time.sleeps == [1.0] and notes == []


def test_server_counters_hold_requests_back(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime, notes: list[str]
) -> None:
    """X-BM-RateLimit-Remaining is the USED count: used == limit means the window is full."""
    full = {
        "X-BM-RateLimit-Remaining": "12",
        "X-BM-RateLimit-Limit": "12",
        "X-BM-RateLimit-Reset": "2",
        "X-BM-RateLimit-Mode": "KEY",
    }
    mocked.get(f"{LIVE}/contract/private/assets-detail", json=envelope([]), headers=full)
    reader.assets()
    assert fake_time.sleeps == []
    reader.assets()
    assert fake_time.sleeps == [2.0] and len(notes) == 1


def test_remaining_below_limit_does_not_wait(
    mocked: responses.RequestsMock, reader: ReadClient, fake_time: FakeTime
) -> None:
    used = {
        "X-BM-RateLimit-Remaining": "3",
        "X-BM-RateLimit-Limit": "12",
        "X-BM-RateLimit-Reset": "2",
    }
    mocked.get(f"{LIVE}/contract/private/assets-detail", json=envelope([]), headers=used)
    reader.assets()
    reader.assets()
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, (None, None, None)),
        ({"X-BM-RateLimit-Remaining": "x", "X-BM-RateLimit-Limit": "-1"}, (None, None, None)),
        (
            {
                "X-BM-RateLimit-Remaining": "10",
                "X-BM-RateLimit-Limit": "600",
                "X-BM-RateLimit-Reset": "60",
            },
            (10, 600, 60.0),
        ),
    ],
)
def test_parse_rate_headers(headers: dict[str, str], expected: tuple[object, ...]) -> None:
    parsed = parse_rate_headers(headers)
    assert (parsed.used, parsed.limit, parsed.reset_s) == expected


def test_registry_is_thread_safe_under_contention(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many threads on one window: no window-long span ever admits more than the limit."""
    registry = LimiterRegistry()
    clock_lock = threading.Lock()
    now = [0.0]
    admitted: list[float] = []
    real_reserve = limits._Window.reserve

    def recording_reserve(window: limits._Window, at: float) -> float:
        wait = real_reserve(window, at)
        if wait <= 0:
            admitted.append(at)  # called under the registry's lock: the true admission time
        return wait

    monkeypatch.setattr(limits._Window, "reserve", recording_reserve)

    def clock() -> float:
        with clock_lock:
            return now[0]

    def sleep(seconds: float) -> None:
        with clock_lock:
            now[0] += seconds

    def worker() -> None:
        for _ in range(5):
            registry.acquire(("u", "/p"), 4, 2.0, clock=clock, sleep=sleep, on_wait=lambda s: None)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    admitted.sort()
    assert len(admitted) == 20
    assert all(later - first >= 2.0 for first, later in zip(admitted, admitted[4:], strict=False))


# -- carried across processes (runs started back to back) --------------------------------------
KEY = ("https://api-cloud-v2.bitmart.com", "/contract/private/trade-fee-rate")


def _spent(now: float) -> LimiterRegistry:
    registry = LimiterRegistry()
    for at in (now - 0.5, now - 0.2):  # 2 of 2 used in the last 2 s
        with registry._lock:
            registry._window(KEY, 2, 2.0).reserve(at)
    return registry


def _wait_for_slot(registry: LimiterRegistry, now: float) -> float:
    with registry._lock:
        return registry._window(KEY, 2, 2.0).reserve(now)


def test_a_new_process_waits_out_what_the_last_one_spent() -> None:
    saved = _spent(10.0).export(now=10.0, wall_s=1_000.0)
    fresh = LimiterRegistry()
    # another process: its monotonic clock reads 500; 0.3 s of wall time went by meanwhile
    fresh.restore(saved, now=500.0, wall_s=1_000.3)
    # the older request (0.5 s before the save) leaves the window 2 - 0.5 - 0.3 = 1.2 s from now
    assert _wait_for_slot(fresh, 500.0) == pytest.approx(1.2)


def test_free_says_how_many_calls_go_now_without_taking_a_slot() -> None:
    registry = _spent(10.0)
    assert registry.free(KEY, 2, 2.0, now=10.0) == 0
    assert registry.free(KEY, 2, 2.0, now=11.6) == 1  # the older call left the window
    assert registry.free(KEY, 2, 2.0, now=11.6) == 1  # asking took nothing
    assert registry.free(KEY, 2, 2.0, now=12.0) == 2
    assert LimiterRegistry().free(KEY, 2, 2.0, now=0.0) == 2  # never used
    registry.block(KEY, 2, 2.0, 5.0, now=12.0)  # a 429 or the server's counters
    assert registry.free(KEY, 2, 2.0, now=13.0) == 0


def test_windows_that_closed_meanwhile_are_forgotten() -> None:
    saved = _spent(10.0).export(now=10.0, wall_s=1_000.0)
    fresh = LimiterRegistry()
    fresh.restore(saved, now=500.0, wall_s=1_002.5)
    assert _wait_for_slot(fresh, 500.0) == 0.0


def test_what_this_process_counts_itself_is_not_counted_twice() -> None:
    registry = _spent(10.0)
    registry.restore(registry.export(now=10.0, wall_s=1.0), now=10.0, wall_s=1.0)
    with registry._lock:
        assert len(registry._window(KEY, 2, 2.0).stamps) == 2


@pytest.mark.parametrize("data", [{}, {"wall_s": "x", "windows": []}, {"wall_s": 1, "windows": 5}])
def test_damaged_saved_windows_are_ignored(data: dict[str, object]) -> None:
    fresh = LimiterRegistry()
    fresh.restore(data, now=1.0, wall_s=2.0)
    assert _wait_for_slot(fresh, 1.0) == 0.0


@pytest.mark.parametrize(
    "entry",
    [
        {"limit": 0, "window_s": 2, "ages": [], "blocked_s": 0},
        {"limit": -1, "window_s": 2, "ages": [], "blocked_s": 0},
        {"limit": 6, "window_s": 2, "ages": [], "blocked_s": "inf"},
        {"limit": 6, "window_s": 2, "ages": [], "blocked_s": 1e9},
        {"limit": 6, "window_s": "nan", "ages": [], "blocked_s": 0},
        {"limit": 1, "window_s": 2, "ages": [0.1, 0.2], "blocked_s": 0},
    ],
)
def test_impossible_saved_windows_are_refused_whole(entry: dict[str, object]) -> None:
    fresh = LimiterRegistry()
    data = {"wall_s": 1.0, "windows": [{"base": "b", "path": "p", **entry}]}
    assert fresh.restore(data, now=1.0, wall_s=1.0) is False
    assert fresh.export(now=1.0, wall_s=1.0)["windows"] == []


def test_every_block_is_capped() -> None:
    registry = LimiterRegistry()
    registry.block(KEY, 2, 2.0, 1e9, now=0.0)
    assert _wait_for_slot(registry, 0.0) == limits.MAX_WAIT_S


def _full_window(own: int, *, used: int) -> float:
    """``own`` position reads 0.2 s apart, the server then saying its window of 6 is used up:
    how long the next read waits."""
    registry, key, now = LimiterRegistry(), ("https://x", "/p"), [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    def acquire() -> None:
        registry.acquire(key, 6, 2.0, clock=lambda: now[0], sleep=sleep, on_wait=lambda _: None)

    for _ in range(own):
        acquire()
        now[0] += 0.2
    registry.observe(key, 6, 2.0, limits.RateHeaders(used, 6, 2.0), now=now[0])
    acquire()
    return sum(waits)


def test_a_window_of_our_own_requests_ends_its_length_after_the_oldest_one() -> None:
    # the reset header is the window's length, not its end: when every request the server
    # counts is ours, its window ends by our oldest request + the length + a round trip
    assert _full_window(6, used=6) == pytest.approx(100.0 + 2.0 + 0.2 + 0.05 - 101.2)


def test_a_window_others_share_is_waited_out_whole() -> None:
    assert _full_window(3, used=6) == pytest.approx(2.0)
