"""Fixed-window limiter on an injected clock: no sleeping, exact boundaries."""

from __future__ import annotations

from runner.sim.ratelimit import RateLimiter
from runner.sim.routes import LimitTarget, RateLimit

LIMIT = RateLimit(2, 2, LimitTarget.KEY)


def test_limit_then_reject_then_new_window() -> None:
    limiter = RateLimiter()
    assert [limiter.hit("p", "k", LIMIT, 1000).used for _ in range(2)] == [1, 2]
    rejected = limiter.hit("p", "k", LIMIT, 2999)
    assert (rejected.allowed, rejected.used) == (False, 2)
    assert rejected.headers() == {
        "X-BM-RateLimit-Remaining": "2",
        "X-BM-RateLimit-Limit": "2",
        "X-BM-RateLimit-Reset": "2",
        "X-BM-RateLimit-Mode": "KEY",
    }
    fresh = limiter.hit("p", "k", LIMIT, 3000)  # window of 2 s opened at 1000 has ended
    assert (fresh.allowed, fresh.used) == (True, 1)


def test_buckets_are_per_path_and_subject() -> None:
    limiter = RateLimiter()
    for _ in range(2):
        limiter.hit("p", "k", LIMIT, 0)
    assert limiter.hit("p", "other-key", LIMIT, 0).allowed
    assert limiter.hit("q", "k", LIMIT, 0).allowed
    assert not limiter.hit("p", "k", LIMIT, 0).allowed


def test_not_enforced_still_counts() -> None:
    limiter = RateLimiter(enforce=False)
    verdicts = [limiter.hit("p", "k", LIMIT, 0) for _ in range(5)]
    assert all(v.allowed for v in verdicts)
    assert verdicts[-1].used == 5


def test_peek_does_not_count() -> None:
    limiter = RateLimiter()
    limiter.hit("p", "k", LIMIT, 0)
    assert limiter.peek("p", "k", LIMIT, 0).used == 1
    assert limiter.peek("p", "k", LIMIT, 0).used == 1
    assert limiter.peek("p", "k", LIMIT, 2000).used == 0
