"""HMAC-signed API tokens: ``tenant.expiry.signature``."""

from __future__ import annotations

import base64
import hashlib
import hmac


class InvalidToken(Exception):
    """The token is malformed, forged or expired."""


def _sign(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(tenant: str, secret: bytes, now: float, ttl: float = 3600) -> str:
    """A token for ``tenant`` valid until ``now + ttl``."""
    if not tenant or "." in tenant:
        raise ValueError(f"invalid tenant name: {tenant!r}")
    payload = f"{tenant}.{int(now + ttl)}"
    return f"{payload}.{_sign(secret, payload)}"


def verify(token: str, secret: bytes, now: float) -> str:
    """The tenant of a valid token; raises :class:`InvalidToken` otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("malformed token")
    tenant, expiry, signature = parts
    if not hmac.compare_digest(signature, _sign(secret, f"{tenant}.{expiry}")):
        raise InvalidToken("bad signature")
    if not expiry.isdigit() or int(expiry) <= now:
        raise InvalidToken("token expired")
    return tenant
