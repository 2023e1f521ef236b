def test_arithmetic():
    assert sum([1, 2, 3]) == 6
