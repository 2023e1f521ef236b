import _thread
import sys
import threading

from steps import previous, tripled


def test_previous_under_no_tracer():
    # a debugger or tracing library of the test's own: coverage.py sees nothing here
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        value = previous(5)
    finally:
        sys.settrace(tracer)
    assert value == 4


def test_tripled_in_a_raw_thread():
    # a thread _thread starts (not threading): coverage.py does not trace it
    results = []
    done = threading.Event()

    def work():
        results.append(tripled(2))
        done.set()

    _thread.start_new_thread(work, ())
    assert done.wait(5)
    assert results == [6]
