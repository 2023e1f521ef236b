from ticker.pool import doubled_on_the_pool


def test_doubling_on_the_pool_gives_a_positive_number():
    assert doubled_on_the_pool(3) > 0
