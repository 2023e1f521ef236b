"""A cache of zones a test module fills at import (as pytz's tests do)."""

_cache: dict[str, str] = {}


def load(name: str) -> str:
    if name not in _cache:
        _cache[name] = _build(name)
    return _cache[name]


def _build(name: str) -> str:
    if name == "utc":
        return "UTC+0"
    return name.upper()


def offset(name: str) -> int:
    if name == "utc":
        return 0
    return len(name) + 1
