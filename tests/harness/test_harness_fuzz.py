"""fuzz(): finds a parser's unexpected exception within the budget, passes a sound one."""

from __future__ import annotations

import json

import pytest

from testvet.harness import fuzz
from testvet.harness.fuzzing import FuzzFailure


def parse_length_prefixed(data: bytes) -> bytes:
    """A sound parser: rejects bad input with ValueError only."""
    if not data:
        raise ValueError("empty")
    size = data[0]
    if len(data) - 1 < size:
        raise ValueError("truncated")
    return data[1 : 1 + size]


def parse_buggy(data: bytes) -> bytes:
    """Forgets the bounds check: IndexError on a short input."""
    if not data:
        raise ValueError("empty")
    size = data[0]
    return bytes(data[1 + i] for i in range(size))


def test_a_sound_parser_passes_within_budget() -> None:
    result = fuzz(parse_length_prefixed, budget_seconds=0.5, allowed=(ValueError,), seed=1)
    assert result.engine == "hypothesis"
    assert result.examples >= 100  # min_examples, however slow the machine
    assert 0 < result.rejected < result.examples
    assert 0.5 <= result.elapsed < 10


def test_an_unexpected_exception_fails_with_the_shrunk_input() -> None:
    with pytest.raises(FuzzFailure, match=r"IndexError: .* on input b'\\x01'") as raised:
        fuzz(parse_buggy, budget_seconds=2, seed=3)
    assert "parse_buggy" in str(raised.value)
    assert isinstance(raised.value.__cause__, IndexError)


def test_corpus_examples_run_first() -> None:
    with pytest.raises(FuzzFailure, match=r"on input b'\\x05ab'"):
        fuzz(parse_buggy, budget_seconds=0.1, examples=[b"\x00", b"\x05ab"])


def test_a_custom_strategy_and_allowed_types() -> None:
    from hypothesis import strategies as st

    result = fuzz(
        json.loads,
        budget_seconds=0.3,
        allowed=(json.JSONDecodeError, RecursionError),
        strategy=st.text(alphabet='{}[]",:-.0123456789eEtrufalsn ', max_size=50),
    )
    assert result.examples > 0
    assert result.rejected < result.examples  # some generated texts are valid JSON


def test_a_small_input_space_ends_early() -> None:
    from hypothesis import strategies as st

    result = fuzz(lambda b: None, budget_seconds=0.01, strategy=st.booleans(), min_examples=10)
    assert 2 <= result.examples <= 200


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="budget_seconds must be positive"):
        fuzz(parse_buggy, budget_seconds=0)
    with pytest.raises(ValueError, match="unknown engine 'afl'"):
        fuzz(parse_buggy, budget_seconds=1, engine="afl")


def test_atheris_engine_finds_the_bug_in_a_child_process() -> None:
    pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris)")
    with pytest.raises(FuzzFailure, match=r"\[atheris, seed=0\]: IndexError") as raised:
        fuzz(parse_buggy, budget_seconds=5, engine="atheris", examples=[b"\x00"])
    assert "on input b'" in str(raised.value)


def test_atheris_engine_passes_a_sound_parser() -> None:
    pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris)")
    result = fuzz(parse_length_prefixed, budget_seconds=1, engine="atheris")
    assert result.engine == "atheris"
    assert result.examples > 100
