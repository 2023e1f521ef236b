"""Recommended tests are real tests: they fail on vulnerable code and pass on fixed code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scenario_helpers import audit_project, write_project

PROJECT = {
    "src/shop/__init__.py": "",
    "src/shop/hooks_bad.py": """
        import subprocess

        def run_hook(cmd):
            return subprocess.run("echo " + cmd, shell=True, capture_output=True).returncode
    """,
    "src/shop/hooks_good.py": """
        import shlex
        import subprocess

        def run_hook(cmd):
            line = "echo " + shlex.quote(cmd)
            return subprocess.run(line, shell=True, capture_output=True).returncode
    """,
    "src/shop/limit_bad.py": """
        class RateLimiter:
            def __init__(self, limit, window=60):
                self.limit, self.window, self.hits = limit, window, {}

            def allow(self, client):
                count = self.hits.get(client, 0)
                if count > self.limit:  # off by one: lets limit + 1 through
                    return False
                self.hits[client] = count + 1
                return True
    """,
    "src/shop/docs_bad.py": """
        class Documents:
            def __init__(self):
                self.docs = {}

            def save(self, tenant_id, doc_id, text):
                self.docs[(tenant_id, doc_id)] = text

            def load(self, tenant_id, doc_id):
                # Bug: any tenant may read any document.
                return next((t for (_, d), t in self.docs.items() if d == doc_id), None)
    """,
    "src/shop/docs_good.py": """
        class Documents:
            def __init__(self):
                self.docs = {}

            def save(self, tenant_id, doc_id, text):
                self.docs[(tenant_id, doc_id)] = text

            def load(self, tenant_id, doc_id):
                return self.docs.get((tenant_id, doc_id))
    """,
    "src/shop/limit_good.py": """
        class RateLimiter:
            def __init__(self, limit, window=60):
                self.limit, self.window, self.hits = limit, window, {}

            def allow(self, client):
                count = self.hits.get(client, 0)
                if count >= self.limit:
                    return False
                self.hits[client] = count + 1
                return True
    """,
}


def _run_sketches(root: Path, sketches: dict[str, str]) -> tuple[set[str], set[str], str]:
    """Write each module's sketch as ``tests/test_<module>.py`` under ``root`` and run them.

    Returns the failed and the passed test files, and pytest's output.
    """
    tests = root / "tests"
    tests.mkdir()
    for path, sketch in sketches.items():
        (tests / f"test_{Path(path).stem}.py").write_text(sketch)
    env = {
        **os.environ,
        "PYTHONPATH": str(root / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = proc.stdout.splitlines()
    failed = {line.split("::")[0].split()[-1] for line in lines if line.startswith("FAILED")}
    passed = {line.split("::")[0].split()[-1] for line in lines if line.startswith("PASSED")}
    return failed, passed, proc.stdout


def test_sketches_fail_on_the_bug_and_pass_on_the_fix(tmp_path: Path) -> None:
    root = write_project(tmp_path / "shop", PROJECT)
    audit = audit_project(root, tmp_path / "out")
    sketches = {
        f.path: f.detail["recommended_test"]
        for f in audit.findings
        if f.scenario in ("command-injection", "rate-limit-boundary", "cross-tenant-access")
    }
    assert set(sketches) == {
        "src/shop/docs_bad.py",
        "src/shop/docs_good.py",
        "src/shop/hooks_bad.py",
        "src/shop/hooks_good.py",
        "src/shop/limit_bad.py",
        "src/shop/limit_good.py",
    }
    failed, passed, stdout = _run_sketches(root, sketches)
    bad = {"tests/test_hooks_bad.py", "tests/test_limit_bad.py", "tests/test_docs_bad.py"}
    good = {"tests/test_hooks_good.py", "tests/test_limit_good.py", "tests/test_docs_good.py"}
    assert failed == bad, stdout
    assert passed == good, stdout


LEASE_GOOD = """
    import threading
    import time

    class Lease:
        def __init__(self):
            self._lock = threading.Lock()
            self.holder = None
            self.until = 0.0

        def acquire(self, holder, ttl=10):
            # Re-entrant: the current holder may acquire again (and extend the lease).
            with self._lock:
                now = time.monotonic()
                if self.holder not in (None, holder) and self.until > now:
                    return False
                self.holder, self.until = holder, now + ttl
                return True
"""
#: The expiry test inverted, so a live lease goes to anyone.
LEASE_BAD = LEASE_GOOD.replace("self.until > now:", "self.until < now:")
LEASES = {
    "src/locks/__init__.py": "",
    "src/locks/lease_good.py": LEASE_GOOD,
    "src/locks/lease_bad.py": LEASE_BAD,
}


def test_lease_contention_sketch_races_distinct_holders(tmp_path: Path) -> None:
    # Each contender must acquire under its own name: with one shared holder name a
    # correct re-entrant lease would let every contender win and the sketch would fail it.
    root = write_project(tmp_path / "locks", LEASES)
    audit = audit_project(root, tmp_path / "out")
    sketches = {
        f.path: f.detail["recommended_test"]
        for f in audit.findings
        if f.scenario == "concurrent-lease"
    }
    assert set(sketches) == {"src/locks/lease_good.py", "src/locks/lease_bad.py"}
    assert "if lease.acquire(worker, 60):" in sketches["src/locks/lease_good.py"]
    failed, passed, stdout = _run_sketches(root, sketches)
    assert failed == {"tests/test_lease_bad.py"}, stdout
    assert passed == {"tests/test_lease_good.py"}, stdout
