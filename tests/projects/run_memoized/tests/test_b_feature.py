from feats import Probe, fast_path_works


def test_the_fast_path_works():
    assert fast_path_works() is True  # a cache hit after test_render


def test_the_version():
    assert Probe.version() == 3
