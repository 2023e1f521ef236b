"""Each evidence detector on a test that exercises its scenario and on a near miss."""

from __future__ import annotations

import ast
import textwrap

import pytest

from testvet.scenarios.evidence import PREDICATES, collect, for_test
from testvet.scenarios.sources import SourceFile

#: scenario -> (a test that exercises it, a near miss that must not count)
CASES: dict[str, tuple[str, str]] = {
    "hard-kill": (
        """
        import os, signal, subprocess, sys
        def test_kill(tmp_path):
            proc = subprocess.Popen([sys.executable, "-m", "app.writer", str(tmp_path)])
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            assert (tmp_path / "log").read_bytes().endswith(b"\\n")
        """,
        """
        import subprocess, sys
        def test_stop(tmp_path):
            proc = subprocess.Popen([sys.executable, "-m", "app.writer", str(tmp_path)])
            proc.terminate()
            assert proc.wait() == 0
        """,
    ),
    "disk-full": (
        """
        import errno, pytest
        def test_full(monkeypatch):
            def full(*a):
                raise OSError(errno.ENOSPC, "No space left on device")
            monkeypatch.setattr("os.write", full)
            with pytest.raises(OSError):
                save(b"x")
        """,
        """
        import pytest
        def test_error(monkeypatch):
            with pytest.raises(OSError):
                save(b"x")
        """,
    ),
    "network-partition": (
        """
        import pytest
        def test_reset(server):
            server.drop_connections()
            with pytest.raises(ConnectionResetError):
                client.get("/")
        """,
        """
        def test_get(server):
            assert client.get("/") == 200
        """,
    ),
    "fuzz-parser": (
        """
        from hypothesis import given, strategies as st
        @given(st.binary())
        def test_parse(data):
            try:
                parse(data)
            except ValueError:
                pass
        """,
        """
        def test_parse():
            assert parse(b"a=1") == {"a": "1"}
        """,
    ),
    "auth-alg-none": (
        """
        import pytest
        def test_none():
            token = encode({"alg": "none"}, {"sub": "x"})
            with pytest.raises(InvalidToken):
                verify(token)
        """,
        """
        def test_none_logged():
            token = encode({"alg": "none"}, {"sub": "x"})
            print(verify(token))
        """,
    ),
    "auth-wrong-key": (
        """
        import pytest
        def test_other_key():
            token = sign({"sub": "x"}, key="other_key")
            with pytest.raises(InvalidToken):
                verify(token, key="k1")
        """,
        """
        def test_roundtrip():
            token = sign({"sub": "x"}, key="k1")
            assert verify(token, key="k1")["sub"] == "x"
        """,
    ),
    "auth-expired-replay": (
        """
        def test_expired(clock):
            token = sign({"sub": "x"}, ttl=10)
            clock.travel(60)
            assert verify(token) is None
        """,
        """
        def test_fresh():
            token = sign({"sub": "x"}, ttl=10)
            assert verify(token) == {"sub": "x"}
        """,
    ),
    "rate-limit-boundary": (
        """
        def test_limit_plus_one():
            limiter = Limiter(limit=3)
            for _ in range(3):
                assert limiter.allow("c")
            assert not limiter.allow("c")
        """,
        """
        def test_limit_allows():
            limiter = Limiter(limit=3)
            for _ in range(3):
                assert limiter.allow("c")
        """,
    ),
    "cross-tenant-access": (
        """
        import pytest
        def test_other_tenant():
            docs.save("tenant_a", "d1", "x")
            with pytest.raises(PermissionError):
                docs.load(tenant="other_tenant", doc="d1")
        """,
        """
        def test_own_tenant():
            docs.save("tenant_a", "d1", "x")
            assert docs.load(tenant="tenant_a", doc="d1") == "x"
        """,
    ),
    "command-injection": (
        """
        import pytest
        @pytest.mark.parametrize("name", ["a; rm -rf x", "a | touch x", "$(touch x)"])
        def test_injection(name, tmp_path):
            run(name)
            assert not (tmp_path / "x").exists()
        """,
        """
        def test_semicolon_only(tmp_path):
            run("a; touch x")
            assert not (tmp_path / "x").exists()
        """,
    ),
    "forged-signature": (
        """
        def test_tampered():
            body, sig = b"{}", sign(b"{}")
            assert verify(body, sig[:-1] + "0") is False
        """,
        """
        def test_valid():
            body = b"{}"
            assert verify(body, sign(body)) is True
        """,
    ),
    "duplicate-delivery": (
        """
        def test_duplicate_event_is_processed_once():
            handler.deliver({"id": "e1"})
            handler.deliver({"id": "e1"})
            assert handler.count == 1
        """,
        """
        def test_event_is_processed():
            handler.deliver({"id": "e1"})
            assert handler.count == 1
        """,
    ),
    "concurrent-lease": (
        """
        from concurrent.futures import ThreadPoolExecutor
        def test_one_winner():
            with ThreadPoolExecutor(8) as pool:
                results = list(pool.map(lambda w: leases.acquire("job", w), range(8)))
            assert results.count(True) == 1
        """,
        """
        def test_acquire():
            assert leases.acquire("job", 1)
        """,
    ),
    "lease-expiry": (
        """
        import pytest
        def test_stale_holder(clock):
            token = leases.acquire("job", "w1", ttl=5)
            clock.travel(60)
            with pytest.raises(LeaseLost):
                leases.check("job", token)
        """,
        """
        def test_holder_keeps_lease():
            token = leases.acquire("job", "w1", ttl=5)
            assert leases.check("job", token) is True
        """,
    ),
    "rollback-failure": (
        """
        import pytest
        def test_rollback_fails(monkeypatch):
            monkeypatch.setattr(tx, "rollback", broken)
            with pytest.raises(RollbackError):
                tx.run(failing_step)
            assert tx.state == "needs-repair"
        """,
        """
        import pytest
        def test_rollback_runs():
            with pytest.raises(StepError):
                tx.run(failing_step)
            assert tx.state == "rolled-back"
        """,
    ),
    "clock-skew": (
        """
        def test_node_clock_ahead(clock):
            clock.skew(300)
            assert accept(issued_at=0) is False
        """,
        """
        def test_accept_now(clock):
            clock.travel(10)
            assert accept(issued_at=0) is True
        """,
    ),
}


def _scenarios(source: str) -> set[str]:
    text = textwrap.dedent(source)
    index = collect((SourceFile("tests/test_x.py", "tests.test_x", ast.parse(text), text),))
    return {ev.scenario for test in index.tests for ev in for_test(test)}


def test_every_scenario_has_cases() -> None:
    assert set(CASES) == set(PREDICATES)


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_evidence_found(scenario: str) -> None:
    assert scenario in _scenarios(CASES[scenario][0])


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_near_miss_is_not_evidence(scenario: str) -> None:
    assert scenario not in _scenarios(CASES[scenario][1])


def test_switching_the_same_key_slot_is_wrong_key_evidence() -> None:
    switched = """
        def test_rotated_secret(app, client):
            app.secret_key, app.config["FALLBACKS"] = ("0 key", [])
            client.post()
            app.secret_key = "? key"
            assert client.get().json == {}
    """
    assert "auth-wrong-key" in _scenarios(switched)
    # Two different settings that happen to end in "key" are not a key switch.
    two_slots = """
        def test_config(app):
            app.config.from_mapping(SECRET_KEY="config", TEST_KEY="foo")
            assert app.config.get("MISSING") is None
    """
    assert "auth-wrong-key" not in _scenarios(two_slots)
