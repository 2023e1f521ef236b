"""Settings read from the environment when the module is executed."""

import os

MODE = os.environ.get("CONF_MODE", "safe")


def describe():
    return "mode=" + MODE


class Limits:
    def __init__(self, size=3):
        self.size = size

    def fits(self, n):
        return n <= self.size


if MODE == "legacy":

    def getcwd():
        raise RuntimeError("no working directory in legacy mode")

else:
    from os import getcwd  # noqa: F401
