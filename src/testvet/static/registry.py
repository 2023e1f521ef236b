"""The registry of static rules: one :class:`RuleInfo` per stable code."""

from __future__ import annotations

from dataclasses import dataclass

from testvet.model import Category, Severity

_CF = Category.CANNOT_FAIL
_ND = Category.NONDETERMINISTIC
_H, _M, _L = Severity.HIGH, Severity.MEDIUM, Severity.LOW


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is: its stable code, category, default severity and a title."""

    code: str
    category: Category
    severity: Severity
    title: str
    #: Short kebab-case name of the rule (``no-check``).
    slug: str = ""
    #: Fix hint shown under each finding of this rule.
    hint: str = ""

    @property
    def doc(self) -> str:
        """Path of the rule's doc page, relative to the repository root."""
        return f"docs/rules/{self.code}.md"


_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "TV101",
        _CF,
        _H,
        "test has no check at all",
        "no-check",
        "Assert on the result (or use pytest.raises) so that wrong behaviour fails the test.",
    ),
    RuleInfo(
        "TV102",
        _CF,
        _M,
        "checks only in code that may not run",
        "conditional-checks",
        "Assert unconditionally: check the condition or the loop's input is non-empty first.",
    ),
    RuleInfo(
        "TV103",
        _CF,
        _H,
        "check after return never runs",
        "unreachable-check",
        "Move the assertions before the return, or drop the return.",
    ),
    RuleInfo(
        "TV104",
        _CF,
        _H,
        "assertion swallowed by try/except",
        "swallowed-assertion",
        "Catch only the exception the code is expected to raise, or use pytest.raises.",
    ),
    RuleInfo(
        "TV105",
        _CF,
        _M,
        "errors of the call under test swallowed",
        "swallowed-call",
        "Let the exception propagate, or expect it with pytest.raises(SpecificError).",
    ),
    RuleInfo(
        "TV106",
        _CF,
        _H,
        "test returns a value instead of asserting",
        "returns-value",
        "Replace `return <expr>` with `assert <expr>`; pytest ignores returned values.",
    ),
    RuleInfo(
        "TV107",
        _CF,
        _H,
        "assertion is always true",
        "always-true",
        "Assert on the value under test; for a message use `assert cond, 'message'`.",
    ),
    RuleInfo(
        "TV108",
        _CF,
        _H,
        "comparison or predicate without assert",
        "forgotten-assert",
        "Put `assert` in front of the comparison; as a bare statement its result is dropped.",
    ),
    RuleInfo(
        "TV109",
        _CF,
        _M,
        "pytest.raises(Exception) is too broad",
        "broad-raises",
        "Expect the specific exception class, or add match= for the message.",
    ),
    RuleInfo(
        "TV110",
        _CF,
        _H,
        "raises block cannot raise",
        "empty-raises",
        "Put the call expected to raise inside the `with pytest.raises(...)` block.",
    ),
    RuleInfo(
        "TV111",
        _CF,
        _M,
        "check after the raising statement never runs",
        "check-after-raise",
        "Keep only the raising call in the block; assert on excinfo after the block.",
    ),
    RuleInfo(
        "TV112",
        _CF,
        _H,
        "misspelled or misused mock assertion",
        "mock-assertion-typo",
        "Use the real mock assertion, e.g. `m.assert_called_once_with(...)`.",
    ),
    RuleInfo(
        "TV113",
        _CF,
        _H,
        "assertion method referenced but not called",
        "uncalled-assertion",
        "Call it: add the parentheses and arguments.",
    ),
    RuleInfo(
        "TV114",
        _CF,
        _M,
        "only checks are on a mock of the unit under test",
        "mocked-unit",
        "Patch the unit's collaborators, not the unit, and assert on what the unit returns.",
    ),
    RuleInfo(
        "TV115",
        _CF,
        _M,
        "xfail without strict=True",
        "non-strict-xfail",
        "Use @pytest.mark.xfail(strict=True) or set xfail_strict = true in the pytest config.",
    ),
    RuleInfo(
        "TV116",
        _CF,
        _H,
        "pytest.skip inside a broad except",
        "skip-on-error",
        "Skip only on the specific exception of a missing prerequisite (ImportError, ...).",
    ),
    RuleInfo(
        "TV117",
        _CF,
        _M,
        "pytest.skip after the test's logic",
        "late-skip",
        "Decide to skip before running the code under test, or fail instead of skipping.",
    ),
    RuleInfo(
        "TV150",
        _ND,
        _M,
        "time.sleep used to coordinate",
        "sleep-coordination",
        "Wait on the event itself (Event.wait, join, poll with a deadline), not a fixed sleep.",
    ),
    RuleInfo(
        "TV151",
        _ND,
        _M,
        "unseeded randomness feeds an assertion",
        "unseeded-random",
        "Seed it (random.Random(1234)) or use hypothesis, so failures can be reproduced.",
    ),
    RuleInfo(
        "TV152",
        _ND,
        _M,
        "wall clock feeds an assertion",
        "wall-clock",
        "Freeze or inject the clock (time-machine, a fake clock) and assert exact values.",
    ),
    RuleInfo(
        "TV153",
        _ND,
        _M,
        "test talks to a real network address",
        "real-network",
        "Use a local server on 127.0.0.1 (or a fake transport) instead of the internet.",
    ),
)

_BY_CODE = {rule.code: rule for rule in _RULES}


def all_rules() -> tuple[RuleInfo, ...]:
    """Every registered rule, ordered by code."""
    return _RULES


def rule(code: str) -> RuleInfo:
    """The rule with this code (KeyError for an unknown code)."""
    return _BY_CODE[code]
