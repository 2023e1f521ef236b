from labels import warning


def test_a_warning_is_red():
    assert warning("disk full") == "\x1b[31mdisk full\x1b[0m"
