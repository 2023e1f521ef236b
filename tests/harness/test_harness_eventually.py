"""eventually(): returns once the condition holds, fails with the last observed value."""

from __future__ import annotations

import threading
import time

import pytest

from testvet.harness import EventuallyTimeout, eventually


def test_returns_the_value_once_another_thread_makes_it_true() -> None:
    box: list[str] = []
    ready = threading.Event()

    def writer() -> None:
        ready.wait(5)
        box.append("done")

    thread = threading.Thread(target=writer)
    thread.start()
    ready.set()
    assert eventually(lambda: box[:], timeout=5) == ["done"]
    thread.join()


def test_failure_names_the_description_and_the_last_value() -> None:
    calls = []

    def counter() -> int:
        calls.append(1)
        return 0

    start = time.monotonic()
    with pytest.raises(
        EventuallyTimeout, match=r"queue drained did not hold .* last value: 0"
    ) as e:
        eventually(counter, timeout=0.2, interval=0.01, description="queue drained")
    assert time.monotonic() - start >= 0.2
    assert f"({len(calls)} attempts" in str(e.value)
    assert len(calls) >= 2


def test_assertion_errors_mean_not_yet_and_are_reported() -> None:
    def check() -> bool:
        raise AssertionError("still 3 items")

    with pytest.raises(AssertionError, match=r"last error: AssertionError: still 3 items"):
        eventually(check, timeout=0.05)


def test_other_exceptions_propagate_at_once() -> None:
    def broken() -> bool:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        eventually(broken, timeout=5)


def test_rejects_a_non_positive_timeout() -> None:
    with pytest.raises(ValueError, match="positive"):
        eventually(lambda: True, timeout=0)


def test_a_frozen_clock_does_not_stop_the_deadline() -> None:
    # freezegun freezes time.monotonic too: the deadline must come on the real clock
    from freezegun import freeze_time

    attempts = []

    def never() -> bool:
        attempts.append(1)
        if len(attempts) > 500:  # 5 s of polling: the deadline never came
            pytest.fail("eventually went on past its deadline")
        return False

    with freeze_time("2024-01-01"), pytest.raises(EventuallyTimeout, match=r"within 0\.2s"):
        eventually(never, timeout=0.2, interval=0.01)
    assert len(attempts) < 100
