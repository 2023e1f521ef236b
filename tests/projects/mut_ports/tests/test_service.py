import os
import time

import pytest

from portcheck import bound_port, greeting, listener

PORT = int(os.environ.get("PORTCHECK_PORT", "47381"))  # testvet's test picks a free one


@pytest.mark.parametrize("n", range(4))
def test_serves_on_its_port(n):
    with listener(PORT) as sock:
        greeting("client")  # what it returns, no test looks at
        time.sleep(0.05)
        assert bound_port(sock) == PORT


def test_an_ephemeral_port_is_no_fixed_one():
    with listener(0) as sock:
        assert bound_port(sock) > 0


def test_a_port_the_system_chose_is_no_fixed_one():
    with listener(0) as probe:
        free = bound_port(probe)
    with listener(free) as sock:  # the "free port" pattern: bound again by number
        assert bound_port(sock) == free
