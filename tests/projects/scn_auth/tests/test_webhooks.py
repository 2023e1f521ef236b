import hashlib
import hmac

from authsvc.webhooks import verify_webhook


def test_valid_webhook_is_accepted():
    body = b'{"event": "paid"}'
    signature = hmac.new(b"s3", body, hashlib.sha256).hexdigest()
    assert verify_webhook(body, signature, b"s3") is True
