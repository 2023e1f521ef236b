import time

import pytest
from freezegun import freeze_time

from almanac import year


@pytest.fixture(scope="module", autouse=True)
def epoch():
    # every test of this module runs on 1 January 1970: the monotonic clock too
    with freeze_time("1970-01-01"):
        yield


def test_first():
    assert year() == 1970


def test_second():
    time.sleep(0.3)  # real time: freezegun does not fake sleeping
    assert year() == 1970


def test_third():
    assert year() == 1970
