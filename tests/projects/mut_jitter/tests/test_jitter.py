"""Tests whose CPU time depends on how many times they ran before (counted in the
directory ``JITTER_DIR`` names): a stand-in for what makes a test's CPU time vary from
one run to the next. Neither looks at what the function returns."""

import os
import time

from jitter import close, noisy, twice


def _runs(name):
    path = os.path.join(os.environ["JITTER_DIR"], name)
    with open(path, "a+", encoding="ascii") as handle:
        handle.write("x")
        handle.seek(0)
        return len(handle.read())


def _burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_noisy_once():
    # 1st run (the mutant): far past its budget; then quick
    _burn(0.5 if _runs("noisy") == 1 else 0.001)
    noisy.echo(1)


def test_close_to_its_budget():
    # 1st run (the mutant): far past its budget; 2nd (the unmodified code): passes, with
    # most of its budget used; then slow again, within a generous budget only
    _burn(0.09 if _runs("close") == 2 else 0.5)
    close.echo(1)


def test_slow_first_a():
    # slow on its first run only, as is the next test: the mutant's second run is slow
    # in that other test
    _burn(0.5 if _runs("first_a") == 1 else 0.001)
    twice.echo(1)


def test_slow_first_b():
    _burn(0.5 if _runs("first_b") == 1 else 0.001)
    twice.echo(2)


def test_waits_for_a_step():
    # a mutant returning None loops here; any other value passes
    from jitter.spin import step

    value = step()
    while value is None:
        value = step()


def test_step_is_two():
    from jitter.spin import step

    assert step() == 2
