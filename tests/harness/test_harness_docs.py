"""Every Python block of docs/harness.md runs as a test module in a real pytest child."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "harness.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_every_documented_example_runs_and_passes(tmp_path: Path) -> None:
    blocks = BLOCK.findall(DOC.read_text())
    assert len(blocks) >= 9
    for i, code in enumerate(blocks):
        (tmp_path / f"test_doc_{i}.py").write_text(code)
    expected = sum(len(re.findall(r"^def test_", code, re.MULTILINE)) for code in blocks)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", summary).group(1))  # type: ignore[union-attr]
    skipped = re.search(r"(\d+) skipped", summary)
    assert passed + (int(skipped.group(1)) if skipped else 0) == expected, summary


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    """The docs run above has no conftest: its fixtures came through this entry point."""
    from importlib.metadata import entry_points

    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("testvet-harness") == "testvet.harness.plugin"


def test_importing_the_harness_is_cheap() -> None:
    code = (
        "import sys; import testvet.harness.plugin; from testvet.harness import kill_point; "
        "print(sorted(m for m in ('hypothesis', 'time_machine', 'asyncio') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == "[]"


def test_kill_point_imports_no_pytest() -> None:
    code = "import sys; from testvet.harness import kill_point; print('pytest' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == "False"
