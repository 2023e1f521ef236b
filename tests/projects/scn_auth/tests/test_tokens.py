import base64
import json
import time

import pytest

from authsvc.tokens import TokenError, issue, verify


@pytest.mark.story("1.1")
def test_issue_then_verify():
    token = issue({"sub": "ann"}, "k1")
    assert verify(token, "k1")["sub"] == "ann"


@pytest.mark.story("1.2")
def test_token_from_other_key_is_refused():
    token = issue({"sub": "ann"}, "attacker_key")
    with pytest.raises(TokenError):
        verify(token, "k1")


@pytest.mark.story("1.2")
def test_alg_none_is_refused():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).decode().rstrip("=")
    body = base64.urlsafe_b64encode(b'{"sub": "admin"}').decode().rstrip("=")
    with pytest.raises(TokenError):
        verify(f"{header}.{body}.", "k1")


@pytest.mark.story("1.2")
def test_expired_token_is_refused(monkeypatch):
    token = issue({"sub": "ann"}, "k1", ttl=10)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(TokenError, match="expired"):
        verify(token, "k1")


def test_tampered_signature_is_refused():
    token = issue({"sub": "ann"}, "k1")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(TokenError):
        verify(forged, "k1")
