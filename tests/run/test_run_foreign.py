"""An environment that imports another checkout of the project is refused, not reported on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testvet.cli import main
from testvet.errors import ExitCode

BASIC = Path(__file__).parents[1] / "projects" / "run_basic"


def test_suite_running_another_checkout_is_a_suite_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here = shutil.copytree(BASIC, tmp_path / "here")
    elsewhere = shutil.copytree(BASIC, tmp_path / "elsewhere")
    pyproject = here / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('pythonpath = ["src"]', ""))
    monkeypatch.setenv("PYTHONPATH", str(elsewhere / "src"))

    code = main(["audit", str(here), "--mutation", "off", "-f", "json", "-o", str(tmp_path / "o")])

    err = capsys.readouterr().err
    assert code == ExitCode.SUITE_ERROR
    assert f"imported package 'calc' from {elsewhere / 'src' / 'calc'}" in err
    assert err.count("\n") == 1
