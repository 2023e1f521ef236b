def total(prices, discount=0.0):
    if not 0 <= discount < 1:
        raise ValueError("discount must be in [0, 1)")
    return round(sum(prices) * (1 - discount), 2)


def is_free(prices):
    return total(prices) == 0
