import pytest
from freezegun import freeze_time

from almanac import label, year


@pytest.fixture(scope="module", autouse=True)
def future():
    # pytest's own phase timing starts on the real clock and ends in 2100
    with freeze_time("2100-01-01"):
        yield


def test_year():
    label(10)  # what it returns, no test looks at
    assert year() == 2100


def test_year_again():
    assert year() == 2100
