def test_fine():
    assert len("ab") == 2
