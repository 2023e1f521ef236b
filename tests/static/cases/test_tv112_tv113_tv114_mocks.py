from unittest import mock
from unittest.mock import call, patch

from pkg import notify, send


def test_silent_mock_name():
    m = mock.Mock()
    notify(m)
    m.called_once_with("hello")  # expect: TV112


def test_assert_on_silent_name():
    m = mock.Mock()
    notify(m)
    assert m.called_with("hello")  # expect: TV112


def test_misspelled_assertion():
    m = mock.Mock()
    notify(m)
    m.assert_called_once_wiht("hello")  # expect: TV112


def test_has_calls_with_single_call():
    m = mock.Mock()
    notify(m)
    m.assert_has_calls(call("hello"))  # expect: TV112


def test_real_mock_assertions_are_fine():
    m = mock.Mock()
    notify(m)
    m.assert_called_once_with("hello")
    m.assert_has_calls([call("hello")])
    assert m.called
    assert m.call_count == 1


def test_uncalled_assertion():
    m = mock.Mock()
    notify(m)
    m.assert_called_once  # expect: TV113


@patch("pkg.send")
def test_mocks_the_unit_under_test(mock_send):  # expect: TV114
    send("hello")
    mock_send.assert_called_once_with("hello")


@patch("pkg.transport.post")
def test_mocks_a_collaborator(mock_post):
    assert send("hello") == "sent"
    mock_post.assert_called_once()


@patch("time.sleep")
def test_patched_sleep_is_a_collaborator(mock_sleep):
    retry = Retry(backoff=1)
    retry.sleep()
    mock_sleep.assert_called_once_with(1)


@patch("pkg.Mailer.send")
def test_mocks_the_method_under_test(mock_send):  # expect: TV114
    Mailer.send("hi")
    mock_send.assert_called_once_with("hi")


class FakeClient:
    def __init__(self):
        self.posted = []

    def post(self, url, json):
        self.posted.append((url, json))

    def assert_called_with_json(self, payload):
        assert self.posted[-1][1] == payload


def test_fake_with_its_own_assertion_method_is_fine():
    client = FakeClient()
    notify(client)
    client.assert_called_with_json({"text": "hello"})
