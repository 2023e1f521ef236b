"""Capability detectors at their edges: the look-alike code that must not fire next to the
code that must, and the facts that only a string key or a local variable carries."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import audit_project, missing, write_project

from testvet.model import Audit


def _audit(tmp_path: Path, module: str, source: str) -> Audit:
    """Audit a project holding one module ``src/app/<module>.py``."""
    files = {"src/app/__init__.py": "", f"src/app/{module}.py": source}
    return audit_project(write_project(tmp_path / "p", files), tmp_path / "out")


def _caps(audit: Audit) -> set[tuple[str, str]]:
    assert audit.scenarios is not None
    return {(c.kind, c.symbol or "") for c in audit.scenarios.capabilities}


def _reasons(audit: Audit, kind: str) -> list[tuple[str, str]]:
    assert audit.scenarios is not None
    return [(c.symbol or "", c.reason) for c in audit.scenarios.capabilities if c.kind == kind]


def test_exp_claim_read_by_its_string_key_makes_token_checks_expiry_aware(
    tmp_path: Path,
) -> None:
    # The only expiry word is the claim's key "exp": a string, not an identifier.
    audit = _audit(
        tmp_path,
        "tokens",
        """
        import hashlib
        import hmac
        import json
        import time

        def verify(token: str, key: bytes) -> dict:
            body, _, mac = token.rpartition(".")
            good = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(good, mac):
                raise ValueError("bad mac")
            claims = json.loads(body)
            if claims["exp"] < time.time():
                raise ValueError("stale")
            return claims
        """,
    )
    assert audit.scenarios is not None
    (signs,) = [c for c in audit.scenarios.capabilities if c.kind == "signs-tokens"]
    assert signs.scenarios == ("auth-wrong-key", "auth-expired-replay")
    assert _reasons(audit, "expires-by-time") == [
        ("app.tokens.verify", "checks 'exp' against the wall clock")
    ]
    assert {s for s, _ in missing(audit)} >= {"auth-expired-replay", "clock-skew"}


def test_only_the_rate_limiter_method_that_compares_a_count_enforces_the_limit(
    tmp_path: Path,
) -> None:
    # Every method sits in a class named like a rate limiter; only ``allow`` decides
    # anything by ordering a count against the limit (``==`` in is_idle is not a bound).
    audit = _audit(
        tmp_path,
        "limits",
        """
        class RateLimiter:
            def __init__(self, limit):
                self.limit = limit
                self.hits = {}

            def allow(self, client):
                count = self.hits.get(client, 0)
                if count >= self.limit:
                    return False
                self.hits[client] = count + 1
                return True

            def reset(self, client):
                self.hits.pop(client, None)

            def is_idle(self):
                return len(self.hits) == 0
        """,
    )
    assert _caps(audit) == {("rate-limits", "app.limits.RateLimiter.allow")}


def test_only_caller_supplied_text_is_untrusted_input_not_constants_or_own_files(
    tmp_path: Path,
) -> None:
    audit = _audit(
        tmp_path,
        "settings",
        """
        import json
        from pathlib import Path

        DEFAULTS = '{"retries": 3}'

        def defaults(overrides):
            merged = json.loads(DEFAULTS)
            merged.update(overrides)
            return merged

        def load(path):
            config = json.loads(Path(path).read_text())
            config.setdefault("retries", 3)
            return config

        def load_open(path):
            config = json.loads(open(path).read())
            config.setdefault("retries", 3)
            return config

        def merge(overrides_json):
            merged = defaults({})
            merged.update(json.loads(overrides_json))
            return merged

        def receive(stream):
            message = json.loads(stream.read())
            message.setdefault("retries", 3)
            return message
        """,
    )
    # A stream the caller hands over (a socket file, a request body) is the caller's data.
    assert _reasons(audit, "parses-untrusted") == [
        ("app.settings.merge", "parses caller-supplied input with json.loads"),
        ("app.settings.receive", "parses caller-supplied input with json.loads"),
    ]
    assert _caps(audit) == {
        ("parses-untrusted", "app.settings.merge"),
        ("parses-untrusted", "app.settings.receive"),
    }


def test_undo_called_on_the_normal_path_is_not_a_rollback_but_undo_in_except_is(
    tmp_path: Path,
) -> None:
    audit = _audit(
        tmp_path,
        "editor",
        """
        class Editor:
            def __init__(self, disk):
                self.disk, self.text, self.history = disk, "", []

            def type(self, chars):
                self.history.append(self.text)
                self.text += chars

            def undo(self):
                self.text = self.history.pop()

            def press_ctrl_z(self):
                self.undo()

            def type_and_save(self, chars):
                self.type(chars)
                try:
                    self.disk.write(self.text)
                except OSError:
                    self.undo()
                    raise
        """,
    )
    assert _caps(audit) == {("rolls-back", "app.editor.Editor.type_and_save")}
    assert missing(audit) == {("rollback-failure", "src/app/editor.py")}


def test_kafka_consumer_calls_for_a_duplicate_delivery_test(tmp_path: Path) -> None:
    audit = _audit(
        tmp_path,
        "events",
        """
        from kafka import KafkaConsumer

        def consume(topic, handle):
            for message in KafkaConsumer(topic, group_id="billing"):
                handle(message.value)
        """,
    )
    assert _reasons(audit, "uses-queue") == [
        (
            "app.events.consume",
            "consumes or publishes messages (kafka.KafkaConsumer), delivered at least once",
        )
    ]
    assert missing(audit) == {("duplicate-delivery", "src/app/events.py")}


@pytest.mark.parametrize(
    ("source", "detected"),
    [
        ("    now = time.time()\n    return now - stamp < window\n", True),
        ("    now = time.monotonic()\n    return now - stamp < window\n", False),
    ],
    ids=["wall-clock-local", "monotonic-local"],
)
def test_a_local_read_from_the_wall_clock_makes_a_comparison_an_expiry_check(
    tmp_path: Path, source: str, detected: bool
) -> None:
    # No expiry word and no clock call inside the comparison: only ``now`` ties it to
    # the wall clock. (The module reads the wall clock elsewhere either way.)
    audit = _audit(
        tmp_path,
        "fresh",
        "import time\n\n\ndef stamp_now():\n    return time.time()\n\n\n"
        f"def is_fresh(stamp, window):\n{source}",
    )
    expected = [("app.fresh.is_fresh", "checks an expiry against the wall clock")]
    assert _reasons(audit, "expires-by-time") == (expected if detected else [])
    assert (("clock-skew", "src/app/fresh.py") in missing(audit)) is detected
