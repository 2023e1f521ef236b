"""Evidence a test gets from the fixtures it requests and the helpers it calls.

A test whose SIGKILL happens inside a ``conftest.py`` fixture or a helper function still
exercises the hard-kill scenario; the audit must see through that one level of indirection
and stop reporting hard-kill as missing for the module the test imports.
"""

from __future__ import annotations

from pathlib import Path

from scenario_helpers import audit_project, missing, write_project

from testvet.model import Audit

#: A module that stores data with sqlite: it calls for hard-kill and disk-full tests.
STORE = {
    "src/store/__init__.py": "",
    "src/store/db.py": """
        import sqlite3

        class Repo:
            def __init__(self, path):
                self.db = sqlite3.connect(path)

            def put(self, key, value):
                self.db.execute("INSERT INTO kv VALUES (?, ?)", (key, value))
                self.db.commit()
    """,
}

#: Spawns a writer, SIGKILLs it and hands the test the file it left behind.
KILLING_FIXTURE = """
    import os
    import signal
    import subprocess
    import sys

    import pytest

    @pytest.fixture{args}
    def killed_writer(tmp_path):
        proc = subprocess.Popen([sys.executable, "-m", "store.writer", str(tmp_path)])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return tmp_path / "data.db"
"""

ONLY_DISK_FULL_MISSING = {("disk-full", "src/store/db.py")}
BOTH_MISSING = {("hard-kill", "src/store/db.py"), *ONLY_DISK_FULL_MISSING}


def _hard_kill_evidence(audit: Audit) -> list[tuple[str, str]]:
    assert audit.scenarios is not None
    return [(e.test, e.reason) for e in audit.scenarios.evidence if e.scenario == "hard-kill"]


def test_sigkill_done_by_a_requested_conftest_fixture_counts_as_hard_kill_evidence(
    tmp_path: Path,
) -> None:
    files = {
        **STORE,
        "tests/conftest.py": KILLING_FIXTURE.format(args=""),
        "tests/test_db.py": """
            from store.db import Repo

            def test_committed_rows_survive(killed_writer):
                assert Repo(str(killed_writer)).db.execute("SELECT 1").fetchone() == (1,)
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _hard_kill_evidence(audit) == [
        (
            "tests/test_db.py::test_committed_rows_survive",
            "SIGKILLs a child process and checks what survived",
        )
    ]
    assert missing(audit) == ONLY_DISK_FULL_MISSING


def test_fixture_decorated_with_arguments_or_imported_name_is_still_a_fixture(
    tmp_path: Path,
) -> None:
    called = KILLING_FIXTURE.format(args='(scope="function", name="killed_writer")')
    imported = KILLING_FIXTURE.replace("import pytest", "from pytest import fixture").replace(
        "@pytest.fixture{args}", "@fixture"
    )
    for label, conftest in (("called", called), ("imported", imported)):
        files = {
            **STORE,
            "tests/conftest.py": conftest,
            "tests/test_db.py": """
                from store.db import Repo

                def test_committed_rows_survive(killed_writer):
                    assert Repo(str(killed_writer)).db is not None
            """,
        }
        audit = audit_project(write_project(tmp_path / label, files), tmp_path / f"out-{label}")
        assert missing(audit) == ONLY_DISK_FULL_MISSING, label


def test_fixture_is_requested_by_its_name_keyword_not_its_function_name(tmp_path: Path) -> None:
    conftest = KILLING_FIXTURE.format(args='(name="crashed")').replace(
        "def killed_writer(", "def _crashed_fixture("
    )
    files = {
        **STORE,
        "tests/conftest.py": conftest,
        "tests/test_db.py": """
            from store.db import Repo

            def test_rows_survive_a_crash(crashed):
                assert Repo(str(crashed)).db.execute("SELECT 1").fetchone() == (1,)
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _hard_kill_evidence(audit) == [
        (
            "tests/test_db.py::test_rows_survive_a_crash",
            "SIGKILLs a child process and checks what survived",
        )
    ]
    assert missing(audit) == ONLY_DISK_FULL_MISSING


def test_asserts_inside_a_fixture_do_not_make_the_test_a_check(tmp_path: Path) -> None:
    # The fixture kills and asserts; the test itself checks nothing: no evidence.
    conftest = KILLING_FIXTURE.format(args="").replace(
        "return tmp_path", "assert proc.returncode == -signal.SIGKILL\n        return tmp_path"
    )
    files = {
        **STORE,
        "tests/conftest.py": conftest,
        "tests/test_db.py": """
            from store.db import Repo

            def test_opens_after_kill(killed_writer):
                Repo(str(killed_writer))
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _hard_kill_evidence(audit) == []
    assert missing(audit) == BOTH_MISSING


def test_sigkill_and_check_done_by_a_called_helper_count_as_hard_kill_evidence(
    tmp_path: Path,
) -> None:
    files = {
        **STORE,
        "tests/test_db.py": """
            import os
            import signal
            import subprocess
            import sys

            from store.db import Repo

            def crash_writer_and_check(path):
                proc = subprocess.Popen([sys.executable, "-m", "store.writer", str(path)])
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                assert Repo(str(path)).db.execute("SELECT 1").fetchone() == (1,)

            def test_rows_survive_a_crash(tmp_path):
                crash_writer_and_check(tmp_path / "data.db")
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _hard_kill_evidence(audit) == [
        (
            "tests/test_db.py::test_rows_survive_a_crash",
            "SIGKILLs a child process and checks what survived",
        )
    ]
    assert missing(audit) == ONLY_DISK_FULL_MISSING


def test_a_test_that_neither_kills_nor_uses_a_killing_helper_leaves_hard_kill_missing(
    tmp_path: Path,
) -> None:
    # The control for the two tests above: same project, no kill anywhere.
    files = {
        **STORE,
        "tests/test_db.py": """
            from store.db import Repo

            def test_put(tmp_path):
                Repo(str(tmp_path / "data.db")).put("k", "v")
                assert (tmp_path / "data.db").exists()
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _hard_kill_evidence(audit) == []
    assert missing(audit) == BOTH_MISSING


def test_a_test_gets_the_fixture_pytest_would_give_it_the_nearest_definition(
    tmp_path: Path,
) -> None:
    # Two directories define `killed_writer`: only tests/crash's kills anything, and a
    # test module may override the fixture for itself.
    harmless = """
        import pytest

        @pytest.fixture
        def killed_writer(tmp_path):
            return tmp_path / "data.db"
    """
    test_body = """
        from store.db import Repo

        def test_{name}(killed_writer):
            assert Repo(str(killed_writer)).db.execute("SELECT 1").fetchone() == (1,)
    """
    files = {
        **STORE,
        "tests/conftest.py": harmless,
        "tests/crash/conftest.py": KILLING_FIXTURE.format(args=""),
        "tests/crash/test_after_crash.py": test_body.format(name="after_crash"),
        "tests/plain/test_plain.py": test_body.format(name="plain"),
        "tests/crash/test_overridden.py": harmless + test_body.format(name="overridden"),
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _hard_kill_evidence(audit) == [
        (
            "tests/crash/test_after_crash.py::test_after_crash",
            "SIGKILLs a child process and checks what survived",
        )
    ]
