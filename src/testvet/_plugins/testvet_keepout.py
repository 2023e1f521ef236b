"""Loaded into every pytest testvet starts (``-p testvet_keepout``): what the project's
plugins keep in its tree at every session goes to testvet's work directory instead.

The options the project sets itself (``--junitxml``, ``--cov``, ``--basetemp``...) are
answered on the command line (``testvet.subproc.overrides``); this is for what a plugin
does without being asked, which only the plugin's own option, present only where the
plugin is loaded, can redirect. Standalone: the standard library and pytest only.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

#: The work directory of the testvet stage that started this pytest (``child_env``).
WORK_DIR_ENV = "TESTVET_WORK_DIR"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: Any) -> None:
    work = os.environ.get(WORK_DIR_ENV)
    if not work:
        return
    if hasattr(config.option, "benchmark_storage"):
        # pytest-benchmark makes its storage directory (./.benchmarks) at every session,
        # in its own pytest_configure, which runs last
        config.option.benchmark_storage = "file://" + os.path.join(work, "benchmarks")
