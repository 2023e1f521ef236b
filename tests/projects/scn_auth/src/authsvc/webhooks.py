"""Inbound webhooks signed by the payment provider."""

from __future__ import annotations

import hashlib
import hmac


def verify_webhook(body: bytes, signature: str, secret: bytes) -> bool:
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
