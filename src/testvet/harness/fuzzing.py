"""Fuzz a parser within a time budget: hypothesis in-process, atheris when installed.

``fuzz(parse, budget_seconds=5, allowed=(ValueError,))`` feeds ``parse`` generated
inputs until the budget is spent; an exception outside ``allowed`` fails with the
(shrunk, for hypothesis) input that caused it. Seeded: the same seed replays the run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from testvet.harness import realtime

#: Examples per hypothesis batch; the budget is checked between batches and examples.
BATCH = 100


class FuzzFailure(AssertionError):
    """The target raised an exception type that is not allowed."""


@dataclass(frozen=True)
class FuzzResult:
    """What a fuzz run did (it only returns when nothing unexpected was raised)."""

    #: ``hypothesis`` or ``atheris``.
    engine: str
    #: Inputs the target was called with.
    examples: int
    #: Calls that ended in an allowed exception.
    rejected: int
    #: Wall time spent, in seconds.
    elapsed: float
    #: The seed of the run (replays it).
    seed: int


def _name(target: Callable[..., Any]) -> str:
    return getattr(target, "__qualname__", None) or repr(target)


def _failure(
    target: Callable[..., Any], data: Any, exc: BaseException, seed: int, engine: str
) -> FuzzFailure:
    shown = repr(data)
    if len(shown) > 300:
        shown = shown[:300] + f"… ({len(data)} items)"
    return FuzzFailure(
        f"fuzz({_name(target)}) [{engine}, seed={seed}]: {type(exc).__name__}: {exc} "
        f"on input {shown}"
    )


def fuzz(
    target: Callable[[Any], object],
    budget_seconds: float = 5.0,
    allowed: tuple[type[BaseException], ...] = (ValueError,),
    *,
    strategy: Any = None,
    examples: Iterable[Any] = (),
    seed: int = 0,
    max_size: int = 4096,
    engine: str = "hypothesis",
    min_examples: int = 100,
) -> FuzzResult:
    """Call ``target`` with generated inputs for about ``budget_seconds``.

    ``strategy`` is a hypothesis strategy (default: bytes up to ``max_size``);
    ``examples`` are tried first (a corpus of known tricky inputs). ``engine`` is
    ``hypothesis``, ``atheris`` (skips the test when atheris is not installed; bytes
    only; ``target`` must be a module-level function) or ``auto`` (atheris when
    installed and no strategy is given). The hypothesis engine runs at least
    ``min_examples`` inputs even on a slow machine, then goes on until the budget is spent.
    """
    if budget_seconds <= 0:
        raise ValueError("fuzz: budget_seconds must be positive")
    atheris_installed = importlib.util.find_spec("atheris") is not None
    if engine == "auto":
        engine = "atheris" if atheris_installed and strategy is None else "hypothesis"
    if engine == "atheris":
        from testvet.harness._atheris import run_atheris

        return run_atheris(target, budget_seconds, allowed, list(examples), seed, max_size)
    if engine != "hypothesis":
        raise ValueError(f"fuzz: unknown engine {engine!r} (hypothesis, atheris, auto)")
    return _run_hypothesis(
        target, budget_seconds, allowed, strategy, examples, seed, max_size, min_examples
    )


def _run_hypothesis(
    target: Callable[[Any], object],
    budget: float,
    allowed: tuple[type[BaseException], ...],
    strategy: Any,
    examples: Iterable[Any],
    seed: int,
    max_size: int,
    min_examples: int,
) -> FuzzResult:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    start = realtime.monotonic()
    deadline = start + budget
    counts = {"examples": 0, "rejected": 0}
    last_bad: list[Any] = []

    def call(data: Any) -> None:
        counts["examples"] += 1
        try:
            target(data)
        except allowed:
            counts["rejected"] += 1
        except Exception:
            last_bad[:] = [data]
            raise

    for data in examples:
        try:
            call(data)
        except Exception as exc:
            raise _failure(target, data, exc, seed, "hypothesis") from exc

    inputs = strategy if strategy is not None else st.binary(max_size=max_size)
    batch = 0
    floor = counts["examples"] + min_examples

    def wanted() -> bool:
        return realtime.monotonic() < deadline or counts["examples"] < floor

    while wanted():
        before = counts["examples"]

        @settings(
            max_examples=BATCH,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        @hypothesis_seed(seed + batch)
        @given(inputs)
        def run(data: Any) -> None:
            if wanted() or last_bad:
                call(data)

        try:
            run()
        except Exception as exc:
            data = last_bad[0] if last_bad else None
            raise _failure(target, data, exc, seed, "hypothesis") from exc
        batch += 1
        if counts["examples"] == before:  # the strategy has nothing new to offer
            break
    return FuzzResult(
        "hypothesis", counts["examples"], counts["rejected"], realtime.monotonic() - start, seed
    )
