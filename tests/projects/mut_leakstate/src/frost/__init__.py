"""A clock that tests freeze and unfreeze (freezegun's start and stop, in small)."""

_frozen = []


def now():
    if _frozen:
        return _frozen[-1]
    return 1000


def freeze(value):
    _frozen.append(value)


def unfreeze():
    _frozen.pop()
