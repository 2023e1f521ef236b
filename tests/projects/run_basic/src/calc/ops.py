"""Operations with every function shape the per-test map must handle."""

import functools


def add(a, b):
    """Add two numbers."""
    return a + b


def sub(a, b):
    return a - b


def docstring_only():
    """Nothing but a docstring."""


def outer(x):
    def inner(y):
        return y * 2

    return inner(x) + 1


def countdown(n):
    while n > 0:
        yield n
        n -= 1


def logged(func):
    @functools.wraps(func)
    def wrapper(*args):
        return func(*args)

    return wrapper


@logged
def mul(a, b):
    if a == 0 or b == 0:
        return 0
    return a * b


class Account:
    """A bank account."""

    def __init__(self, balance=0):
        self.balance = balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        return self.balance

    @property
    def empty(self):
        return self.balance == 0

    class Audit:
        def check(self):
            return True
