from jobsched.queue import JobQueue


def test_duplicate_submission_is_ignored():
    queue = JobQueue()
    assert queue.submit("k1", "build") is True
    assert queue.submit("k1", "build") is False
    assert queue.pop() == ("k1", "build")
    assert queue.pop() is None
