import os

import pytest

SESSION_PID = os.getpid()


@pytest.fixture
def same_process():
    # a fixture that cannot work in a fork child of the test process
    if os.getpid() != SESSION_PID:
        os._exit(70)
