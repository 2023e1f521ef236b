def test_x():
    assert int("3") == 3
