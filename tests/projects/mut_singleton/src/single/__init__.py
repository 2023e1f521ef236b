import functools
import re

_REGISTRY = None


class Registry:
    def __init__(self):
        self.handlers = {}

    def add(self, name, handler):
        self.handlers[name] = handler

    def get(self, name):
        return self.handlers[name]


def registry():
    """Built by its first caller; every later caller shares that one."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry()
    return _REGISTRY


@functools.lru_cache(maxsize=None)
def number_pattern():
    return re.compile(r"\d+")


def numbers(text):
    return [int(x) for x in number_pattern().findall(text)]


def shout(text):
    """Reached by one test, which does not look at what it returns."""
    return text.upper()
