import datetime
import random
import threading
import time

import pytest
import requests
from freezegun import freeze_time

from pkg import Server, Token, parse, shuffle_deck


def test_sleep_to_wait_for_thread():
    server = Server()
    thread = threading.Thread(target=server.run)
    thread.start()
    time.sleep(0.5)  # expect: TV150
    assert server.ready


def test_polling_loop_is_fine():
    server = Server()
    threading.Thread(target=server.run).start()
    deadline = time.monotonic() + 5
    while not server.ready and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.ready


def test_unseeded_random():
    n = random.randint(0, 100)
    assert parse(str(n)) == n  # expect: TV151


def test_seeded_random_is_fine():
    rng = random.Random(1234)
    n = rng.randint(0, 100)
    assert parse(str(n)) == n


def test_wall_clock_elapsed():
    start = time.time()
    parse("a")
    elapsed = time.time() - start
    assert elapsed < 0.1  # expect: TV152


def test_wall_clock_direct():
    token = Token()
    assert token.created == datetime.datetime.now()  # expect: TV152


def test_reading_passed_in_is_fine():
    now = time.time()
    token = Token(now=now)
    assert token.created == now


def test_bracketing_is_fine():
    before = time.time()
    token = Token()
    after = time.time()
    assert before <= token.created <= after


def test_real_network():
    response = requests.get("https://api.github.com/repos")  # expect: TV153
    assert response.status_code == 200


def test_local_server_is_fine(live_server):
    response = requests.get("http://127.0.0.1:8000/health")
    assert response.status_code == 200


def test_url_as_data_is_fine():
    assert parse("https://api.github.com/repos").host == "api.github.com"


def test_lower_bound_on_injected_delay_is_fine():
    start = time.monotonic()
    Server(delay=0.2).request()
    assert time.monotonic() - start >= 0.2


def test_upper_bound_reversed():
    start = time.monotonic()
    parse("a")
    assert 0.1 > time.monotonic() - start  # expect: TV152


def test_expiry_in_the_future_is_fine():
    token = Token(ttl=60)
    assert token.expires_at > time.time()


def test_raw_socket_to_public_dns():
    import socket

    s = socket.socket()
    s.connect(("8.8.8.8", 53))  # expect: TV153
    assert s.fileno() > 0


def test_raw_socket_to_loopback_is_fine(server_port):
    import socket

    s = socket.socket()
    s.connect(("127.0.0.1", server_port))
    assert s.fileno() > 0


def test_sleep_for_mtime_resolution(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("1")
    before = path.stat().st_mtime
    time.sleep(0.05)
    path.write_text("2")
    assert path.stat().st_mtime > before


def test_random_after_seeding_is_fine():
    random.seed(1234)
    n = random.randint(0, 100)
    assert parse(str(n)) == n


def test_random_with_a_seed_fixture_is_fine(random_seed):
    n = random.randint(0, 100)
    assert parse(str(n)) == n


def test_clock_frozen_by_a_fixture_is_fine(frozen_clock):
    token = Token()
    assert token.created == datetime.datetime.now()


def test_clock_replaced_by_monkeypatch_is_fine(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1000.0)
    assert Token().created == time.time()


def test_clock_frozen_by_freezegun_is_fine():
    with freeze_time("2024-01-01"):
        assert Token().created == datetime.datetime.now()


@freeze_time("2024-01-01")
class TestClockFrozenByTheClassDecorator:
    def test_clock_reading_is_fine(self):
        assert Token().created == datetime.datetime.now()


class TestClockOfAnUndecoratedClass:
    def test_clock_reading(self):
        assert Token().created == datetime.datetime.now()  # expect: TV152


def test_clock_reading_compared_within_a_tolerance_is_fine():
    token = Token()
    assert time.time() == pytest.approx(token.created, abs=1)


def test_public_url_through_a_recording_proxy_is_fine(recording_proxy):
    response = requests.get("https://api.github.com/repos", proxies=recording_proxy.urls)
    assert response.status_code == 200
