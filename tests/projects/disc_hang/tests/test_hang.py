import threading

# Blocks forever at import: collection must be stopped by testvet's timeout.
threading.Event().wait()


def test_unreachable():
    assert False
