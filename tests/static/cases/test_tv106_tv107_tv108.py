import unittest

import pytest
from tornado.testing import gen_test

from pkg import Version, fetch, parse


def test_returns_comparison():
    result = parse("a")
    return result == "a"  # expect: TV106


def test_returns_true():
    assert parse("a")
    return True  # expect: TV106


def test_returns_none_is_fine():
    assert parse("a")
    return


def test_tuple_assert():
    assert (parse("a") == "b", "message")  # expect: TV107


def test_or_true():
    assert parse("a") == "a" or True  # expect: TV107


def test_constant_string():
    assert "parse works"  # expect: TV107


def test_is_itself():
    value = parse("a")
    assert value is value  # expect: TV107


def test_len_never_negative():
    assert len(parse("a")) >= 0  # expect: TV107


def test_assert_true_beside_real_check():
    assert parse("a") == "a"
    assert True  # expect: TV107:low


def test_eq_reflexive_is_fine():
    v = Version("1.0")
    assert v == v
    assert v <= v


def test_forgotten_assert():
    result = parse("a")
    result == "a"  # expect: TV108
    assert result


def test_predicate_result_dropped():
    import fnmatch

    text = parse("a")
    fnmatch.fnmatch(text, "a*")  # expect: TV108
    text.startswith("a")  # expect: TV108


def test_predicate_inside_raises_is_the_point():
    with pytest.raises(TypeError):
        isinstance(parse("a"), 3)


def test_comparison_inside_raises_is_the_point():
    with pytest.raises(TypeError):
        Version("1") < 2


def test_comparison_inside_try_except():
    try:
        Version("1") < 2
    except TypeError:
        pass
    else:
        pytest.fail("no TypeError")


def test_comparison_with_noqa():
    Version("1") == Version("1")  # noqa: B015
    assert Version("1")


class TestOrdering(unittest.TestCase):
    def test_comparison_inside_assert_num_queries(self):
        with self.assertNumQueries(1):
            Version.objects.all() == []

    def test_assert_raises_block(self):
        with self.assertRaises(TypeError):
            Version("1") >= None

    def test_assert_true_constant(self):
        self.assertEqual(parse("1"), 1)


def test_property_identity_is_a_real_check():
    meta = parse("a")
    assert meta.version is meta.version


def test_value_at_least_zero_is_a_real_check():
    assert parse("-1") >= 0


def test_zero_at_most_value_is_a_real_check():
    assert 0 <= parse("-1")


@gen_test
def test_coroutine_returns_its_result_is_fine():
    response = yield fetch("/health")
    assert response.code == 200
    return response.body


def test_generator_nested_in_the_test_does_not_excuse_its_return():
    def numbers():
        yield 1

    return list(numbers()) == [1]  # expect: TV106
