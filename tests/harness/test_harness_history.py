"""History, check_set and check_queue on hand-built histories."""

from __future__ import annotations

import pytest

from testvet.harness import History, check_queue, check_set


def _adds(history: History, ok: list[int], fail: list[int] = (), info: list[int] = ()) -> None:  # type: ignore[assignment]
    for v in ok:
        history.ok(history.invoke(0, "add", v))
    for v in fail:
        history.fail(history.invoke(1, "add", v), "refused")
    for v in info:
        history.info(history.invoke(2, "add", v), "reset")


def test_valid_set_history() -> None:
    h = History()
    _adds(h, ok=[1, 2, 3], info=[4])
    result = check_set(h, [1, 2, 3, 4])
    assert result.ok
    assert result.recovered == (4,)
    assert (result.attempted, result.acknowledged, result.indeterminate) == (4, 3, 1)
    assert result.message.endswith(": valid")
    result.assert_ok()


def test_lost_unexpected_duplicate_and_failed_present_are_reported() -> None:
    h = History()
    _adds(h, ok=[1, 2, 3], fail=[5], info=[4])
    result = check_set(h, [1, 1, 5, 9])
    assert not result.ok
    assert result.lost == (2, 3)
    assert result.unexpected == (9,)
    assert result.duplicates == (1,)
    assert result.failed_present == (5,)
    assert "LOST 2 acknowledged [2, 3]" in result.message
    with pytest.raises(AssertionError, match="UNEXPECTED 1 \\[9\\]"):
        result.assert_ok()


def test_final_read_comes_from_the_last_ok_read() -> None:
    h = History()
    _adds(h, ok=[1, 2])
    h.ok(h.invoke(0, "read"), [1])
    h.ok(h.invoke(0, "read"), [2])
    assert check_set(h).lost == (1,)


def test_check_set_without_any_read_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no final read"):
        check_set(History())


def test_record_context_manager_classifies_outcomes() -> None:
    h = History()
    with h.record(0, "add", 1):
        pass
    with h.record(0, "add", 2):
        raise ConnectionRefusedError
    with h.record(0, "add", 3):
        raise ConnectionResetError
    with pytest.raises(KeyError), h.record(0, "add", 4):
        raise KeyError(4)
    kinds = [(i.value, d.type if d else None) for i, d in h.outcomes("add")]
    assert kinds == [(1, "ok"), (2, "fail"), (3, "info"), (4, "info")]


def test_completing_twice_is_refused() -> None:
    h = History()
    op = h.invoke(0, "add", 1)
    h.ok(op)
    with pytest.raises(ValueError, match="not an open invocation"):
        h.fail(op)


def test_long_lists_are_elided_in_messages() -> None:
    h = History()
    _adds(h, ok=list(range(25)))
    message = check_set(h, []).message
    assert "LOST 25 acknowledged [0, 1, 2" in message
    assert "… 15 more" in message


def test_queue_checker_finds_lost_duplicated_unexpected() -> None:
    h = History()
    for v in ["a", "b", "c"]:
        h.ok(h.invoke(0, "enqueue", v))
    h.fail(h.invoke(0, "enqueue", "f"), "refused")
    h.ok(h.invoke(1, "dequeue"), "a")
    h.info(h.invoke(1, "dequeue"), "reset")
    result = check_queue(h, drained=["a", "f", "z"])
    assert not result.ok
    assert result.lost == ("b", "c")
    assert result.duplicated == ("a",)
    assert result.unexpected == ("f", "z")
    assert result.indeterminate_dequeues == 1
    assert "may explain some" in result.message
    assert result.order == ("a", "a", "f", "z")


def test_queue_checker_accepts_a_valid_history_with_repeated_values() -> None:
    h = History()
    for v in ["x", "x", "y"]:
        h.ok(h.invoke(0, "enqueue", v))
    h.info(h.invoke(0, "enqueue", "w"), "timeout")
    h.ok(h.invoke(1, "dequeue"), "x")
    result = check_queue(h, drained=["y", "x"])
    assert result.ok, result.message
    assert (result.attempted, result.acknowledged, result.dequeued) == (4, 3, 3)
