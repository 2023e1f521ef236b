import random

import pytest

from taskq.ratelimit import RateLimiter


def test_limit_is_allowed_and_one_more_is_refused():
    limiter = RateLimiter(limit=3, window=10)
    assert [limiter.allow("a", now=0) for _ in range(3)] == [True, True, True]
    assert limiter.allow("a", now=1) is False


def test_clients_have_separate_budgets():
    limiter = RateLimiter(limit=1, window=10)
    assert limiter.allow("a", now=0) is True
    assert limiter.allow("b", now=0) is True
    assert limiter.allow("a", now=0) is False


def test_window_resets():
    limiter = RateLimiter(limit=1, window=10)
    limiter.allow("a", now=0)
    assert limiter.allow("a", now=10) is True


def test_remaining_counts_down():
    limiter = RateLimiter(limit=3, window=10)
    limiter.allow("a", now=0)
    limiter.remaining("a", now=0) == 2


def test_remaining_after_random_burst():
    limiter = RateLimiter(limit=5, window=10)
    burst = random.randint(1, 5)
    for _ in range(burst):
        limiter.allow("a", now=0)
    assert limiter.remaining("a", now=0) == 5 - burst


@pytest.mark.parametrize(("limit", "window"), [(0, 1), (1, 0)])
def test_invalid_settings_are_refused(limit, window):
    with pytest.raises(ValueError, match="limit must be"):
        RateLimiter(limit=limit, window=window)


SHARED = RateLimiter(limit=2, window=10)


def test_the_shared_limiter_serves_a_request():
    assert SHARED.allow("shared", now=0) is True


def test_the_shared_limiter_has_one_request_left():
    assert SHARED.remaining("shared", now=0) == 1
