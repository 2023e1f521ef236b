import multiprocessing

from scaled import scale


def _scaled_in_a_child(n: int) -> int:
    return scale(n)


def test_scaling_runs():
    scale(1)  # checks nothing


def test_a_forked_worker_scales():
    # the check is on what a forked child computed (fasteners' lock tests do this)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_scaled_in_a_child, (2,)) == 20
