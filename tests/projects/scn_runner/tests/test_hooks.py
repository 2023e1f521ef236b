import pytest

from cmdrun.hooks import run_hook

PAYLOADS = [
    "a; touch {m}",
    "a | touch {m}",
    "`touch {m}`",
    "$(touch {m})",
    "a\ntouch {m}",
]


@pytest.mark.parametrize("name", PAYLOADS)
def test_file_names_cannot_inject_commands(name, tmp_path):
    marker = tmp_path / "pwned"
    run_hook("true {file}", name.format(m=marker))
    assert not marker.exists()
