import os


def test_a_leaves_marker_and_exits():
    with open(os.environ["RUN_DYING_MARKER"], "w"):
        pass
    os._exit(3)


def test_b_never_reached():
    assert 2 + 2 == 4
