"""Capability and evidence detectors on small throwaway projects: what fires and what must not."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import audit_project, missing, write_project

from testvet.model import Scenario

QUIET_LIBRARY = {
    "src/quiet/__init__.py": "",
    "src/quiet/util.py": """
        import hashlib
        import json
        import threading
        import time

        _lock = threading.Lock()

        def cache_key(value: str) -> str:
            return hashlib.sha256(value.encode()).hexdigest()

        def save(path, data):
            with open(path, "w") as fh:
                fh.write(json.dumps(data))

        def load(path):
            return json.loads(path.read_text())

        def version() -> str:
            import subprocess
            return subprocess.run("git --version", shell=True, text=True).stdout

        class TTLCache:
            def __init__(self, ttl: float, timer=time.monotonic):
                self.ttl = ttl
                self.timer = timer
                self._items = {}

            def get(self, key):
                with _lock:
                    value, expires = self._items[key]
                    if expires < self.timer():
                        raise KeyError(key)
                    return value
    """,
    "tests/test_util.py": """
        from quiet.util import cache_key

        def test_cache_key():
            assert len(cache_key("a")) == 64
    """,
}


def _caps(audit) -> set[tuple[str, str]]:
    assert audit.scenarios is not None
    return {(c.kind, c.symbol or "") for c in audit.scenarios.capabilities}


def test_thin_parse_wrapper_is_not_a_parser(tmp_path: Path) -> None:
    files = {
        "codec.py": """
            import json
            import pickle

            def loads(text, **kwargs):
                return json.loads(text, **kwargs)

            def unsafe(blob):
                return pickle.loads(blob)
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    # The wrapper hands the parsed value back untouched; pickle stays (it runs code).
    assert _caps(audit) == {("parses-untrusted", "codec.unsafe")}


def test_plain_library_raises_nothing(tmp_path: Path) -> None:
    # Unkeyed hashing, a threading lock, plain file writes, a literal shell command and
    # a monotonic-clock cache call for no failure scenario.
    root = write_project(tmp_path / "p", QUIET_LIBRARY)
    audit = audit_project(root, tmp_path / "out")
    assert _caps(audit) == set()
    assert missing(audit) == set()


@pytest.mark.parametrize(
    ("source", "kind", "scenarios"),
    [
        (
            "import subprocess\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
            "runs-shell",
            ("command-injection",),
        ),
        ("import os\ndef run(name):\n    os.system('ls ' + name)\n", "runs-shell", None),
        (
            "import subprocess\ndef run(c):\n    subprocess.run(['bash', '-c', c])\n",
            "runs-shell",
            None,
        ),
        (
            "import pickle\ndef load(blob):\n    return pickle.loads(blob)\n",
            "parses-untrusted",
            None,
        ),
        (
            "import struct\ndef head(frame: bytes):\n"
            "    (size,) = struct.unpack('>I', frame[:4])\n    return size\n",
            "parses-untrusted",
            ("fuzz-parser",),
        ),
        (
            "import sqlite3\nclass Repo:\n    def __init__(self, p):\n"
            "        self.db = sqlite3.connect(p)\n",
            "persists-data",
            ("hard-kill", "disk-full"),
        ),
        (
            "import os\ndef save(p, b):\n    with open(p + '.t', 'wb') as f:\n        f.write(b)\n"
            "    os.replace(p + '.t', p)\n",
            "persists-data",
            None,
        ),
        (
            "import socket\ndef ping(host):\n    return socket.create_connection((host, 80))\n",
            "uses-network",
            ("network-partition",),
        ),
        (
            "import socketserver as ss\nclass Echo(ss.StreamRequestHandler):\n"
            "    def handle(self):\n        self.wfile.write(self.rfile.readline())\n",
            "uses-network",
            ("network-partition",),
        ),
        (
            "def fetch(db, tenant_id, doc):\n    return db[(tenant_id, doc)]\n",
            "tenant-scoped",
            ("cross-tenant-access",),
        ),
        (
            "import jwt\ndef decode(token, key):\n    return jwt.decode(token, key, ['HS256'])\n",
            "signs-tokens",
            ("auth-wrong-key", "auth-alg-none"),
        ),
    ],
)
def test_detector_fires(
    tmp_path: Path, source: str, kind: str, scenarios: tuple[str, ...] | None
) -> None:
    root = write_project(tmp_path / "p", {"src/app/__init__.py": "", "src/app/mod.py": source})
    audit = audit_project(root, tmp_path / "out")
    assert audit.scenarios is not None
    caps = [c for c in audit.scenarios.capabilities if c.kind == kind]
    assert len(caps) == 1, audit.scenarios.capabilities
    assert caps[0].path == "src/app/mod.py"
    assert caps[0].symbol is not None
    assert caps[0].symbol.startswith("app.mod.")
    if scenarios is not None:
        assert caps[0].scenarios == scenarios


def test_pickle_parser_is_high_severity(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {"app.py": "import pickle\ndef load(blob):\n    return pickle.loads(blob)\n"},
    )
    (finding,) = audit_project(root, tmp_path / "out").findings
    assert (finding.code, finding.severity.value, finding.function) == ("TV504", "high", "app.load")


LEASES = {
    "src/locks/__init__.py": "",
    "src/locks/lease.py": """
        import time

        class Lease:
            def __init__(self):
                self.holder = None
                self.until = 0.0

            def acquire(self, holder, ttl=10):
                now = time.monotonic()
                if self.holder not in (None, holder) and self.until > now:
                    return False
                self.holder, self.until = holder, now + ttl
                return True
    """,
}


def test_lease_evidence_needs_concurrency_and_a_check(tmp_path: Path) -> None:
    weak = {
        **LEASES,
        "tests/test_lease.py": """
            from locks.lease import Lease

            def test_acquire():
                assert Lease().acquire("a")
        """,
    }
    audit = audit_project(write_project(tmp_path / "weak", weak), tmp_path / "o1")
    assert missing(audit) == {
        ("concurrent-lease", "src/locks/lease.py"),
        ("lease-expiry", "src/locks/lease.py"),
    }
    strong = {
        **LEASES,
        "tests/test_lease.py": """
            import threading
            from locks.lease import Lease

            def test_one_winner():
                lease, wins = Lease(), []
                barrier = threading.Barrier(4)
                def run(name):
                    barrier.wait()
                    if lease.acquire(name):
                        wins.append(name)
                threads = [threading.Thread(target=run, args=(str(i),)) for i in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                assert len(wins) == 1
        """,
    }
    audit = audit_project(write_project(tmp_path / "strong", strong), tmp_path / "o2")
    assert missing(audit) == {("lease-expiry", "src/locks/lease.py")}


def test_alg_none_without_asserted_rejection_is_no_evidence(tmp_path: Path) -> None:
    files = {
        "auth.py": """
            import jwt

            def check(token, key):
                return jwt.decode(token, key, algorithms=["HS256"])
        """,
        "tests/test_auth.py": """
            import auth

            def test_alg_none(capsys):
                header = {"alg": "none"}
                print(header)
                auth.check("x", "k")
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert ("auth-alg-none", "auth.py") in missing(audit)
    assert audit.scenarios is not None
    assert not [e for e in audit.scenarios.evidence if e.scenario == "auth-alg-none"]


def test_scenario_ignore_and_rule_ignore(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": """
            [tool.testvet]
            ignore = ["TV503"]
            [tool.testvet.scenarios]
            ignore = ["hard-kill"]
        """,
        "store.py": """
            import os
            import socket

            def put(fd, data):
                os.write(fd, data)
                os.fsync(fd)

            def ping(host):
                return socket.create_connection((host, 1))
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert missing(audit) == {("disk-full", "store.py")}


def test_evidence_in_an_unrelated_test_does_not_count(tmp_path: Path) -> None:
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/a.py": "import os\ndef put(fd, b):\n    os.write(fd, b)\n    os.fsync(fd)\n",
        "src/pkg/b.py": "import os\ndef put(fd, b):\n    os.write(fd, b)\n    os.fsync(fd)\n",
        "tests/test_a.py": """
            import errno
            import pytest
            from pkg.a import put

            def test_disk_full():
                with pytest.raises(OSError) as info:
                    put(-1, b"x")
                assert info.value.errno != errno.ENOSPC
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert ("disk-full", "src/pkg/a.py") not in missing(audit)
    assert ("disk-full", "src/pkg/b.py") in missing(audit)


def test_recommended_tests_compile_and_use_only_real_harness_names(tmp_path: Path) -> None:
    import ast

    import testvet.harness
    from testvet.harness import plugin

    fixtures = {"hard_kill", "disk_faults", "fault_proxy", "clock"}
    assert fixtures <= set(dir(plugin))
    projects = Path(__file__).parent.parent / "projects"
    seen: set[str] = set()
    for name in ("scn_store", "scn_auth", "scn_scheduler", "scn_runner"):
        audit = audit_project(projects / name, tmp_path / name)
        for finding in audit.findings:
            if finding.scenario is None:
                continue
            sketch = finding.detail["recommended_test"]
            tree = ast.parse(sketch)  # valid Python
            seen.add(finding.scenario)
            module = finding.path.removeprefix("src/").removesuffix(".py").replace("/", ".")
            assert f"from {module} import" in sketch
            assert (finding.function or "").startswith(module + ".")
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "testvet.harness":
                    for alias in node.names:
                        assert alias.name in testvet.harness.__all__, alias.name
    assert len(seen) == 10


@pytest.mark.parametrize("scenario", [s.value for s in Scenario])
def test_every_scenario_has_a_code_and_a_compiling_sketch(scenario: str) -> None:
    import ast

    from testvet.model import Capability
    from testvet.scenarios.capabilities import Site
    from testvet.scenarios.catalog import CATALOG
    from testvet.scenarios.evidence import PREDICATES
    from testvet.scenarios.recommend import recommended_test

    assert scenario in PREDICATES  # every scenario has an evidence detector
    info = CATALOG[scenario]
    assert info.code == f"TV{501 + [s.value for s in Scenario].index(scenario)}"
    cap = Capability("x", "src/shop/orders.py", 3, "shop.orders.Orders.place", (scenario,))
    site = Site(
        cap,
        "shop.orders",
        "Orders.place",
        "Orders",
        params=("tenant_id", "order_id", "payload"),
        init_params=("db_path",),
    )
    sketch = recommended_test(scenario, site)
    ast.parse(sketch)
    assert "from shop.orders import Orders" in sketch
    assert "orders.place(" in sketch
    assert 'Orders(tmp_path / "data")' in sketch or 'Orders(str(tmp_path / "data"))' in sketch
    assert "def test_orders_place_" in sketch


def test_excluded_test_files_give_no_evidence(tmp_path: Path) -> None:
    files = {
        "store.py": "import os\ndef put(fd, b):\n    os.write(fd, b)\n    os.fsync(fd)\n",
        "tests/data/test_disk.py": """
            import errno
            import store

            def test_enospc():
                assert errno.ENOSPC == 28
                store.put
        """,
    }
    root = write_project(tmp_path / "p", files)
    assert ("disk-full", "store.py") not in missing(audit_project(root, tmp_path / "o1"))
    (root / "pyproject.toml").write_text('[tool.testvet]\nexclude = ["tests/data/**"]\n')
    assert ("disk-full", "store.py") in missing(audit_project(root, tmp_path / "o2"))


def test_a_library_calling_itself_is_not_using_that_library(tmp_path: Path) -> None:
    # Inside a package named like a client library, its own calls are not network calls.
    files = {
        "src/requests/__init__.py": "",
        "src/requests/api.py": """
            from requests import sessions

            def request(method, url):
                with sessions.Session() as session:
                    return session.request(method, url)
        """,
        "src/requests/sessions.py": "class Session:\n    pass\n",
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert _caps(audit) == set()


def test_clock_skew_evidence_from_a_timestamp_in_the_future(tmp_path: Path) -> None:
    files = {
        "signer.py": """
            import time

            def unsign(value, ts, max_age):
                if time.time() - ts > max_age:
                    raise ValueError("expired")
                return value
        """,
        "tests/test_signer.py": """
            import pytest
            from freezegun import freeze_time
            import signer

            def test_plain():
                assert signer.unsign("v", 0, 10**12) == "v"
        """,
    }
    root = write_project(tmp_path / "p", files)
    assert missing(audit_project(root, tmp_path / "o1")) == {("clock-skew", "signer.py")}
    test_file = root / "tests" / "test_signer.py"
    test_file.write_text(
        test_file.read_text()
        + "\n\ndef test_future_age():\n"
        + "    with freeze_time('1971-05-31'), pytest.raises(ValueError):\n"
        + "        signer.unsign('v', 10**9, 10)\n"
    )
    assert missing(audit_project(root, tmp_path / "o2")) == set()


def test_unparsable_files_are_skipped_not_fatal(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "broken.py": "def (:\n",
            "store.py": "import os\ndef put(fd, b):\n    os.write(fd, b)\n    os.fsync(fd)\n",
            "tests/test_broken.py": "def test_x(:\n",
        },
    )
    (root / "latin1.py").write_bytes(b"# \xe9\nimport os\nos.system(input())\n")
    audit = audit_project(root, tmp_path / "out")
    assert missing(audit) == {("hard-kill", "store.py"), ("disk-full", "store.py")}


def test_power_loss_with_fsync_discipline_counts_as_hard_kill(tmp_path: Path) -> None:
    files = {
        "store.py": "import os\ndef put(fd, b):\n    os.write(fd, b)\n    os.fsync(fd)\n",
        "tests/test_store.py": """
            import os
            import store

            def test_acked_put_survives_power_loss(fsync_discipline, tmp_path):
                with fsync_discipline(tmp_path) as disk:
                    fd = os.open(tmp_path / "log", os.O_WRONLY | os.O_CREAT)
                    store.put(fd, b"x")
                    os.close(fd)
                    disk.crash()
                assert (tmp_path / "log").read_bytes() == b"x"
        """,
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert missing(audit) == {("disk-full", "store.py")}


def test_a_test_that_runs_the_module_by_name_is_related_to_it(tmp_path: Path) -> None:
    server = "import os\ndef put(fd, b):\n    os.write(fd, b)\n    os.fsync(fd)\n"
    kill_test = """
        import os, signal, subprocess, sys

        def test_kill(tmp_path):
            proc = subprocess.Popen([sys.executable, "-m", "{target}", str(tmp_path)])
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait() == -signal.SIGKILL
    """
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/server.py": server,
        "src/pkg/serverless.py": server,
        "tests/test_kill.py": kill_test.replace("{target}", "pkg.server"),
    }
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    # Named in a string: related. A longer name that merely starts with it: not.
    assert {(s, p) for s, p in missing(audit) if s == "hard-kill"} == {
        ("hard-kill", "src/pkg/serverless.py")
    }


WEBHOOKS = {
    "src/hooks/__init__.py": "",
    "src/hooks/verify.py": """
        import hashlib
        import hmac

        def mac_of(body: bytes, key: bytes) -> str:
            return hmac.new(key, body, hashlib.sha256).hexdigest()

        def check(body: bytes, mac: str, key: bytes) -> None:
            if not hmac.compare_digest(mac_of(body, key), mac):
                raise ValueError("mismatch")
    """,
}


@pytest.mark.parametrize(
    ("presented", "tampered"),
    [
        ("mac[:-2]", True),
        ('mac + "00"', True),
        ('mac.replace(mac[0], "x")', True),
        ("mac", False),
    ],
    ids=["truncated", "appended", "replaced", "untouched"],
)
def test_a_test_that_alters_a_mac_and_expects_rejection_is_forged_signature_evidence(
    tmp_path: Path, presented: str, tampered: bool
) -> None:
    # Nothing in the test's name or strings says "forged" or "tampered": only what it does
    # to the MAC (slice, concatenation, .replace) tells it apart from the untouched control.
    test = f"""
        import pytest
        from hooks.verify import check, mac_of

        def test_check_refuses_an_altered_mac():
            mac = mac_of(b"body", b"k1")
            with pytest.raises(ValueError):
                check(b"body", {presented}, b"k1")
    """
    files = {**WEBHOOKS, "tests/test_verify.py": test}
    audit = audit_project(write_project(tmp_path / "p", files), tmp_path / "out")
    assert audit.scenarios is not None
    evidence = audit.scenarios.evidence
    forged = [(e.test, e.reason) for e in evidence if e.scenario == "forged-signature"]
    expected = [
        (
            "tests/test_verify.py::test_check_refuses_an_altered_mac",
            "tampers with a signature and expects rejection",
        )
    ]
    assert forged == (expected if tampered else [])
    assert (("forged-signature", "src/hooks/verify.py") in missing(audit)) is not tampered
