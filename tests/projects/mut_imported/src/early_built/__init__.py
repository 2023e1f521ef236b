"""Code that runs while the package is imported: a decorator, a metaclass, a module-level
object. What it built then was built before any mutant was swapped in."""

import functools


def checked(func):
    """Applied at import time: its wrapper is what every caller gets."""

    @functools.wraps(func)
    def wrapper(*args):
        return func(*args)

    return wrapper


@checked
def add(a, b):
    return a + b


class Parser:
    def __init__(self, sep=","):
        self.sep = sep

    def split(self, text):
        return text.split(self.sep)


DEFAULT = Parser()  # built at import, used by split()


def split(text):
    return DEFAULT.split(text)
