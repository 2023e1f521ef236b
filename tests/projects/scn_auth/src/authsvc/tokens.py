"""HS256 tokens with a JWT-shaped header, claims and expiry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time


class TokenError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(claims: dict[str, object], secret: str, ttl: int = 900) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps({**claims, "exp": int(time.time()) + ttl}).encode())
    sig = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(sig)}"


def verify(token: str, secret: str) -> dict[str, object]:
    try:
        header_b64, body_b64, sig_b64 = token.split(".")
    except ValueError:
        raise TokenError("malformed token") from None
    header = json.loads(_unb64(header_b64))
    if header.get("alg") != "HS256":
        raise TokenError("unsupported alg")
    expected = hmac.new(secret.encode(), f"{header_b64}.{body_b64}".encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.digest(), _unb64(sig_b64)):
        raise TokenError("bad signature")
    claims = json.loads(_unb64(body_b64))
    if claims["exp"] < time.time():
        raise TokenError("expired")
    return claims
