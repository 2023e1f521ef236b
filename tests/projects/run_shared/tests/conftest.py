import pytest

from shared.core import build


@pytest.fixture(scope="session")
def service():
    return build()
