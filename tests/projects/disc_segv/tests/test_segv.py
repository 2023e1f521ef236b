import ctypes

# Reads address 0 at import: the collecting interpreter dies with SIGSEGV.
ctypes.string_at(0)


def test_unreachable():
    assert False
