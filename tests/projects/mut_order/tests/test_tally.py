from tally import bump, total


def test_z_bump_counts_from_one():
    assert bump("apples") == 1


def test_a_total_counts_every_bump():
    # passes only after the test above: it relies on the apple that test counted
    assert total() == 1
