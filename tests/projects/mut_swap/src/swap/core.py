"""Each function is well tested; the question is whether the engine can mutate it."""

from __future__ import annotations


class _Hider:
    """A decorator object that keeps the function where nobody can find it."""

    def __init__(self, func):
        self._hidden = (func,)

    def __call__(self, *args):
        return self._hidden[0](*args)


@_Hider
def hidden(x: int) -> int:
    if x < 0:
        return 0  # no test runs this line
    return x + 1


class _Command:
    """Like click's Command: keeps the function as an attribute, without __wrapped__."""

    def __init__(self, callback):
        self.callback = callback

    def __call__(self, *args):
        return self.callback(*args)


@_Command
def greet(name: str) -> str:
    if not name:
        return "nobody"  # no test runs this line
    return "hi " + name


def _make_adder(step):
    def adder(func):
        def wrapper(x):
            return func(x) + step

        return wrapper

    return adder


# Built at import: this closure holds the code of ``wrapper`` it was made with.
plus_one = _make_adder(1)


def _replace(func):
    def other(*args):
        return len(args) + 41

    return other


@_replace
def replaced(x: int) -> int:
    return x * 3


async def fetch(x: int) -> int:
    """A coroutine."""
    return x * 2


class Base:
    def describe(self) -> str:
        return type(self).__mro__[-2].__name__.lower()


class Child(Base):
    def describe(self) -> str:
        """Uses super(): its code has a __class__ cell."""
        return "child of " + super().describe()

    @classmethod
    def build(cls, n: int) -> list[int]:
        return [n] * n


class Vault:
    FACTOR = 2

    def __init__(self) -> None:
        self.__secret = 41

    def reveal(self, limit: int = 1000) -> int:
        """Private names are mangled with the class name, in the mutants too."""
        if self.__secret > limit:
            return 0
        return self.__plus_one()

    def __plus_one(self) -> int:
        """A private method: stored as _Vault__plus_one in the class."""
        return self.__secret + 1

    def doubled(self) -> int:
        """Names its own class: a global in the mutant too, not a closure variable."""
        return Vault.FACTOR * self.__secret


class Frozen(dict):
    """Its refusing method lives on only under other names (the way boltons' FrozenDict
    defines its mutators): the class has no attribute ``_refuse``."""

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is frozen")

    __setitem__ = __delitem__ = update = _refuse
    del _refuse

    def _size(self):
        return len(self)

    del _size  # gone for good


def __make_lookup():
    """A factory run once at import, then deleted (dateutil builds ``tz.gettz`` so): the
    class it defines lives on in the instance it returned."""

    class Lookup:
        def __call__(self, key: str) -> str:
            return key.upper()

    return Lookup()


lookup = __make_lookup()
del __make_lookup
