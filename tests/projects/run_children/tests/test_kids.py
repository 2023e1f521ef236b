import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from kids import square


def _square_of_four() -> int:
    return square(4)


def test_a_spawned_process_computes_the_square():
    # a spawn child imports the parent's main module again
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        assert pool.submit(_square_of_four).result() == 16


def test_the_deprecation_warning_points_at_the_importer():
    sys.modules.pop("kids.legacy", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import kids.legacy

    kids.legacy.old_square(3)  # checks nothing: pseudo-tested
    assert [w.filename for w in caught] == [__file__]
