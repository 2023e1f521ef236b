import time

import pytest

from shared.core import build


@pytest.fixture(scope="session")
def service():
    time.sleep(0.2)  # a service that takes a while to come up
    return build()
