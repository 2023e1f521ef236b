from lookup import label, warm


def test_a_builds_the_table():
    # runs first: it pays for the table in the audit's run
    assert label(5) == "n5"


def test_b_warm():
    # fast in the audit's run (the table exists); first in a worker it builds it
    assert warm()
