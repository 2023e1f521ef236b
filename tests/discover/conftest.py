"""Discovery runs a real pytest child per fixture project; each project is audited once."""

from __future__ import annotations

import pytest
from discover_helpers import PROJECTS, Discover, discover_project

from testvet.model import Audit


@pytest.fixture(scope="session")
def discovered(tmp_path_factory: pytest.TempPathFactory) -> Discover:
    """``discovered("disc_src")``: the discover stage's audit of a fixture project, cached."""
    cache: dict[str, Audit] = {}

    def get(name: str) -> Audit:
        if name not in cache:
            out = tmp_path_factory.mktemp(f"out-{name}")
            cache[name] = discover_project(PROJECTS / name, out)
        return cache[name]

    return get
