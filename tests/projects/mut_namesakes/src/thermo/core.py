"""Defs that share a qualified name: a property's getter and setter, a helper defined
in two branches, overloads. The tests check the getter and both helpers, not the setter."""

from typing import overload


class Thermostat:
    def __init__(self) -> None:
        self._target = 20

    @property
    def target(self) -> int:
        return self._target

    @target.setter
    def target(self, value: int) -> None:
        self._target = max(5, min(value, 30))


def stepper(up: bool):
    if up:

        def step(t: int) -> int:
            return t + 1

    else:

        def step(t: int) -> int:
            return t - 1

    return step


@overload
def scale(x: int) -> int: ...


@overload
def scale(x: float) -> float: ...


def scale(x):
    return x * 2
