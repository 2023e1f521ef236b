"""A function whose only test passes only after another test ran (order-dependent)."""

from __future__ import annotations

_STATE = {"ready": False}


def prepare() -> None:
    _STATE["ready"] = True


def compute(x: int) -> int:
    if not _STATE["ready"]:
        raise RuntimeError("prepare() first")
    return x + 1


def double(x: int) -> int:
    if not _STATE["ready"]:
        raise RuntimeError("prepare() first")
    return 2 * x
