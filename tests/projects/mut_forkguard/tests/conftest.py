import os

import pytest

# As filelock's conftest: a fork child of the test process that reaches pytest's
# reports is a test whose fork escaped, and it ends at once.
_SESSION_PID = os.getpid()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item, call):
    if os.getpid() != _SESSION_PID:
        os._exit(70)
