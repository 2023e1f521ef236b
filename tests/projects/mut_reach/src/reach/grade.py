"""Operator mutants whose lines only some covering tests execute."""

from __future__ import annotations

_STATE = {"ready": 0}


def grade(score: int) -> str:
    if score >= 90:
        return "A"
    return "B"


def table() -> dict[str, int]:
    """Called by a fixture (setup phase): its mutants keep every covering test."""
    return {"size": 2 + 1}


def ready_value() -> int:
    """Only right after the tests package's setup_module ran."""
    return _STATE["ready"] * 2


def mark_ready() -> None:
    _STATE["ready"] = 1


def is_sign(token: str) -> bool:
    """Its list of constants is one constant on the statement's first line."""
    if not token:
        return False
    if token in [
        "+",
        "-",
    ]:
        return True
    return False
