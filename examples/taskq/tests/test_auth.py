import pytest

from taskq import auth

SECRET = b"k" * 32
NOW = 1_700_000_000


def test_valid_token_names_its_tenant():
    token = auth.issue("acme", SECRET, now=NOW, ttl=60)
    assert auth.verify(token, SECRET, now=NOW + 59) == "acme"


def test_expired_token_is_rejected():
    token = auth.issue("acme", SECRET, now=NOW, ttl=60)
    with pytest.raises(auth.InvalidToken, match="expired"):
        auth.verify(token, SECRET, now=NOW + 60)


def test_token_signed_with_another_key_is_rejected():
    token = auth.issue("acme", b"other-key", now=NOW)
    with pytest.raises(auth.InvalidToken, match="signature"):
        auth.verify(token, SECRET, now=NOW)


def test_tenant_cannot_be_swapped():
    tenant, expiry, signature = auth.issue("acme", SECRET, now=NOW).split(".")
    with pytest.raises(auth.InvalidToken, match="signature"):
        auth.verify(f"globex.{expiry}.{signature}", SECRET, now=NOW)


def test_malformed_token_is_rejected():
    with pytest.raises(Exception):
        auth.verify("not-a-token", SECRET, now=NOW)


def test_issue_round_trip():
    token = auth.issue("acme", SECRET, now=NOW)
    return auth.verify(token, SECRET, now=NOW) == "acme"


@pytest.mark.parametrize("tenant", ["", "a.b"])
def test_bad_tenant_names_are_refused(tenant):
    with pytest.raises(ValueError, match="invalid tenant"):
        auth.issue(tenant, SECRET, now=NOW)
