"""The plugin: a fixture whose helper checks the project's code with a plain assert."""

import pytest

from plug.core import double


def check_double(value, expected):
    assert double(value) == expected


@pytest.fixture
def doubler():
    return check_double
