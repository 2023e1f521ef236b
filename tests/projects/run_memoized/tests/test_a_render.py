from feats import Probe, render


def test_render():
    assert render("a") == "A"  # the same either way: fast_path_works is not checked here
    Probe.version()  # nor is this
