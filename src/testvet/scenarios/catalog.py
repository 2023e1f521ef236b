"""The scenario catalog: one stable rule code, title, risk and severity per scenario id."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from testvet.model import Scenario, Severity


@dataclass(frozen=True)
class ScenarioInfo:
    """What one scenario id means and how bad its absence is."""

    #: The contract id, e.g. ``hard-kill``.
    id: str
    #: The ``missing-scenario`` rule code, e.g. ``TV501``.
    code: str
    #: A short title for people.
    title: str
    #: What goes wrong when nobody tests it (one sentence).
    risk: str
    #: Default severity when the scenario is missing.
    severity: Severity


_ROWS: tuple[tuple[Scenario, str, str, Severity], ...] = (
    (
        Scenario.HARD_KILL,
        "process killed (SIGKILL) in the middle of a write",
        "acknowledged writes can be lost or the data left torn after a crash",
        Severity.HIGH,
    ),
    (
        Scenario.DISK_FULL,
        "disk full (ENOSPC) or I/O error while writing",
        "a failed write can leave corrupt or half-written data behind",
        Severity.HIGH,
    ),
    (
        Scenario.NETWORK_PARTITION,
        "network partition, latency or connection reset",
        "calls can hang forever or half-complete when the peer disappears",
        Severity.MEDIUM,
    ),
    (
        Scenario.FUZZ_PARSER,
        "arbitrary bytes fed to a parser",
        "malformed input can crash the parser or be misread",
        Severity.MEDIUM,
    ),
    (
        Scenario.AUTH_ALG_NONE,
        "token with alg=none accepted",
        "an unsigned token could pass verification (auth bypass)",
        Severity.HIGH,
    ),
    (
        Scenario.AUTH_WRONG_KEY,
        "token signed with another key accepted",
        "a token minted with a different key could pass verification (auth bypass)",
        Severity.HIGH,
    ),
    (
        Scenario.AUTH_EXPIRED_REPLAY,
        "expired token replayed",
        "an expired or already-used token could still be accepted",
        Severity.HIGH,
    ),
    (
        Scenario.RATE_LIMIT_BOUNDARY,
        "request limit+1 against a limit of N",
        "an off-by-one lets clients exceed the limit or blocks legitimate ones",
        Severity.MEDIUM,
    ),
    (
        Scenario.CROSS_TENANT_ACCESS,
        "second tenant reads or changes the first one's data",
        "one tenant's data can leak to or be changed by another",
        Severity.HIGH,
    ),
    (
        Scenario.COMMAND_INJECTION,
        "shell metacharacters (; | ` $() newline) in command input",
        "input can run arbitrary commands on the host",
        Severity.HIGH,
    ),
    (
        Scenario.FORGED_SIGNATURE,
        "forged or tampered request/webhook signature",
        "a forged request could be accepted as authentic (auth bypass)",
        Severity.HIGH,
    ),
    (
        Scenario.DUPLICATE_DELIVERY,
        "the same delivery or request received twice",
        "work can be done twice (double charge, duplicate rows)",
        Severity.MEDIUM,
    ),
    (
        Scenario.CONCURRENT_LEASE,
        "two workers racing for one lease or lock",
        "two owners can hold the same lease and corrupt shared state",
        Severity.HIGH,
    ),
    (
        Scenario.LEASE_EXPIRY,
        "lease used after it expired",
        "a stale owner can keep writing after its lease moved on",
        Severity.HIGH,
    ),
    (
        Scenario.ROLLBACK_FAILURE,
        "rollback or compensation that itself fails or hangs",
        "a failed undo can leave partial changes behind",
        Severity.HIGH,
    ),
    (
        Scenario.CLOCK_SKEW,
        "clocks skewed between nodes or jumping",
        "expiry and ordering decisions go wrong when clocks disagree",
        Severity.MEDIUM,
    ),
)

#: Scenario id -> its catalog entry, in contract order; codes TV501..TV516.
CATALOG: MappingProxyType[str, ScenarioInfo] = MappingProxyType(
    {
        scenario.value: ScenarioInfo(scenario.value, f"TV{501 + i}", title, risk, severity)
        for i, (scenario, title, risk, severity) in enumerate(_ROWS)
    }
)


def info(scenario: str) -> ScenarioInfo:
    """The catalog entry of ``scenario`` (KeyError for an unknown id)."""
    return CATALOG[scenario]


#: The requirements and pyramid rule codes.
UNTESTED_REQUIREMENT_CODE = "TV601"
PYRAMID_CODE = "TV611"
