# Input data for a test, named like a test module; pytest never collects this directory.
def test_not_collected():
    raise AssertionError("pytest must not collect tests/data")
