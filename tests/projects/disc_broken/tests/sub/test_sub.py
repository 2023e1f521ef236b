def test_never_collected():
    assert 2 * 2 == 4
