"""The atheris engine of :func:`testvet.harness.fuzz`: libFuzzer in a child process.

atheris never returns from ``Fuzz()`` and exits the process on a crash, so it runs in
a child Python that imports the target by name, instruments it and stops after the
budget (``-max_total_time``). A crash leaves its input in an artifact file.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testvet.harness._child import TARGET_ENV
from testvet.harness.fuzzing import FuzzFailure, FuzzResult
from testvet.harness.process import target_reference

MISSING = "atheris is not installed (pip install atheris); fuzz(engine='atheris') needs it"

_CHILD = """
import json, os, sys
from testvet.harness._child import TARGET_ENV, _load
import atheris
spec = json.loads(os.environ.pop(TARGET_ENV))
sys.path[:0] = [p for p in spec["path"] if p not in sys.path]
target = _load(spec["module"], spec["file"])
for part in spec["qualname"].split("."):
    target = getattr(target, part)
target = atheris.instrument_func(target)
allowed = []
for name in spec["allowed"]:
    mod, _, qual = name.partition(":")
    obj = __import__(mod, fromlist=["_"])
    for part in qual.split("."):
        obj = getattr(obj, part)
    allowed.append(obj)
allowed = tuple(allowed)
def one_input(data):
    try:
        target(data)
    except allowed:
        pass
atheris.Setup(sys.argv, one_input)
atheris.Fuzz()
"""


def _class_name(cls: type[BaseException]) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def run_atheris(
    target: Callable[[Any], object],
    budget: float,
    allowed: tuple[type[BaseException], ...],
    examples: list[Any],
    seed: int,
    max_size: int,
) -> FuzzResult:
    """Fuzz ``target`` with atheris for ``budget`` seconds in a child process."""
    import importlib.util

    if importlib.util.find_spec("atheris") is None:
        import pytest

        pytest.skip(MISSING)
    spec = target_reference(target)
    spec["allowed"] = [_class_name(cls) for cls in allowed]
    with tempfile.TemporaryDirectory(prefix="testvet-atheris-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for i, example in enumerate(examples):
            (corpus / f"example{i}").write_bytes(bytes(example))
        argv = [
            sys.executable,
            "-c",
            _CHILD,
            f"-max_total_time={max(1, math.ceil(budget))}",
            f"-seed={seed + 1}",  # libFuzzer treats 0 as "random"
            f"-max_len={max_size}",
            f"-artifact_prefix={tmp}/",
            "-print_final_stats=1",
            str(corpus),
        ]
        env = {**os.environ, TARGET_ENV: json.dumps(spec)}
        done = subprocess.run(
            argv, env=env, capture_output=True, text=True, errors="replace", timeout=budget + 60
        )
        crashes = sorted(Path(tmp).glob("crash-*"))
        stats = re.search(r"stat::number_of_executed_units:\s*(\d+)", done.stderr)
        elapsed = re.search(r"Done \d+ runs in (\d+) second", done.stderr)
        if crashes or done.returncode != 0:
            data = crashes[0].read_bytes() if crashes else None
            output = done.stdout + "\n" + done.stderr
            found = re.findall(r"^(\w+(?:Error|Exception)\w*: .*)$", output, re.MULTILINE)
            why = found[-1] if found else f"exit status {done.returncode}"
            shown = repr(data) if data is None or len(data) <= 300 else repr(data[:300]) + "…"
            raise FuzzFailure(
                f"fuzz({spec['qualname']}) [atheris, seed={seed}]: {why} on input {shown}\n"
                + "\n".join(done.stderr.splitlines()[-15:])
            )
    return FuzzResult(
        "atheris",
        int(stats.group(1)) if stats else 0,
        0,
        float(elapsed.group(1)) if elapsed else budget,
        seed,
    )
