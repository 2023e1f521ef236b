"""clock: time-machine in-process, libfaketime for subprocesses."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import shutil
import subprocess
import sys
import time

import pytest

from testvet.harness import eventually
from testvet.harness.clock import Clock, find_libfaketime

KEY = b"k"


def _token(now: float, ttl: float) -> str:
    expires = f"{now + ttl:.3f}"
    return expires + "." + hmac.new(KEY, expires.encode(), hashlib.sha256).hexdigest()


def _valid(token: str, now: float) -> bool:
    expires, mac = token.rsplit(".", 1)
    good = hmac.compare_digest(mac, hmac.new(KEY, expires.encode(), hashlib.sha256).hexdigest())
    return good and now < float(expires)


def test_travel_to_an_absolute_moment(clock: Clock) -> None:
    clock.travel(dt.datetime(2031, 5, 6, 7, 8, 9))
    assert clock.now().replace(microsecond=0) >= dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert dt.datetime.fromtimestamp(time.time(), dt.UTC).year == 2031
    clock.travel("2040-01-01T00:00:00+00:00", tick=False)
    assert time.time() == dt.datetime(2040, 1, 1, tzinfo=dt.UTC).timestamp()


def test_relative_travel_accumulates_and_skew_does_not(clock: Clock) -> None:
    start = time.time()
    clock.travel(3600)
    clock.travel(dt.timedelta(hours=1))
    assert 7200 <= time.time() - start < 7260
    clock.skew(5)
    clock.skew(5)
    assert 5 <= time.time() - start < 65
    clock.skew(-30)
    assert -30 <= time.time() - start < 30


def test_frozen_clock_and_advance(clock: Clock) -> None:
    clock.travel(dt.datetime(2030, 1, 1), tick=False)
    first = time.time()
    assert time.time() == first
    assert clock.frozen
    clock.advance(10)
    assert time.time() == first + 10


def test_reset_and_monotonic_untouched(clock: Clock) -> None:
    real = time.time()
    mono = time.monotonic()
    clock.travel(-86400 * 365)
    assert time.monotonic() - mono < 60
    assert eventually(lambda: time.monotonic() > mono, timeout=1)
    clock.reset()
    assert abs(time.time() - real) < 60


def test_token_expires_for_a_verifier_running_5s_ahead(clock: Clock) -> None:
    token = _token(time.time(), ttl=3)
    assert _valid(token, time.time())
    clock.skew(5)
    assert not _valid(token, time.time())


def test_bad_destination_is_refused(clock: Clock) -> None:
    with pytest.raises(TypeError, match="cannot travel"):
        clock.travel([1])  # type: ignore[arg-type]


def test_skewed_env_moves_a_subprocess_clock(clock: Clock) -> None:
    env = clock.skewed_env(3600)
    before = time.time()
    out = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert 3590 <= float(out) - before < 3660


def test_subprocess_verifier_5s_ahead_rejects_a_fresh_token(clock: Clock) -> None:
    token = _token(time.time(), ttl=3)
    check = (
        "import sys, time, hmac, hashlib; e, m = sys.argv[1].rsplit('.', 1); "
        "ok = hmac.compare_digest(m, hmac.new(b'k', e.encode(), hashlib.sha256).hexdigest()); "
        "sys.exit(0 if ok and time.time() < float(e) else 7)"
    )
    argv = [sys.executable, "-c", check, token]
    in_sync = subprocess.run(argv, env=_base_env(), timeout=30, check=False)
    skewed = subprocess.run(
        argv, env={**_base_env(), **clock.skewed_env(5)}, timeout=30, check=False
    )
    assert (in_sync.returncode, skewed.returncode) == (0, 7)


def _base_env() -> dict[str, str]:
    import os

    return dict(os.environ)


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed")
def test_libfaketime_is_found_where_the_faketime_package_puts_it(clock: Clock) -> None:
    # `make test` installs faketime: then the library must be found, or every skewed
    # subprocess test would quietly skip instead of running.
    found = find_libfaketime()
    assert found is not None
    assert found.name == "libfaketime.so.1"
    assert found.is_file()
    assert clock.faketime_available


def test_without_libfaketime_the_test_is_skipped_with_the_reason(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import testvet.harness.clock as clock_module

    monkeypatch.setattr(clock_module, "FAKETIME_GLOBS", ())
    assert not clock.faketime_available
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install faketime"):
        clock.skewed_env(5)
