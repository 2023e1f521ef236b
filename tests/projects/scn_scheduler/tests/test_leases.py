import threading

import pytest

from jobsched.leases import LeaseLost, LeaseTable


def test_only_one_worker_wins_the_lease(tmp_path):
    table = LeaseTable(str(tmp_path / "db"))
    barrier = threading.Barrier(6)
    tokens = []

    def contend(worker):
        mine = LeaseTable(str(tmp_path / "db"))
        barrier.wait()
        token = mine.acquire("job-1", worker)
        if token is not None:
            tokens.append(worker)

    threads = [threading.Thread(target=contend, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(tokens) == 1
    assert table.acquire("job-1", tokens[0]) == 2


def test_expired_lease_cannot_be_used(tmp_path, clock):
    table = LeaseTable(str(tmp_path / "db"))
    token = table.acquire("job-1", "w1", ttl=5)
    clock.travel(60)
    with pytest.raises(LeaseLost):
        table.check("job-1", token)
