import pytest

from jobsched.runner import run_steps


def test_failed_step_undoes_finished_ones():
    log = []

    def boom():
        raise RuntimeError("step 2 failed")

    steps = [(lambda: log.append("a"), lambda: log.append("undo a")), (boom, lambda: None)]
    with pytest.raises(RuntimeError):
        run_steps(steps)
    assert log == ["a", "undo a"]
