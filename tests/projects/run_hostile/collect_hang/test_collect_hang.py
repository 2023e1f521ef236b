# Importing this test module never finishes.
while True:
    pass


def test_never_collected():
    assert False
