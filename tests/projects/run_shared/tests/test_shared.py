from shared.core import ping


def test_first(service):
    assert ping() == "pong"


def test_second(service):
    assert service["ready"] is True


def test_without_the_fixture():
    assert ping() == "pong"
