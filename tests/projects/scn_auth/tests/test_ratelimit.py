from authsvc.ratelimit import RateLimiter


def test_limit_plus_one_is_refused():
    limiter = RateLimiter(limit=3)
    assert [limiter.allow("c") for _ in range(3)] == [True, True, True]
    assert limiter.allow("c") is False
