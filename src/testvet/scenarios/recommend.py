"""Recommended tests: a short pytest sketch per missing scenario, in the project's own names.

The sketches use testvet.harness (``hard_kill``, ``disk_faults``, ``fault_proxy``,
``clock``, ``eventually``, ``fuzz``, ``History``/``check_set``) where it applies. They are
starting points: arguments the detector cannot guess are filled with plausible values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from testvet.model import Scenario
from testvet.scenarios.capabilities import Site

S = Scenario

_ARG_RULES: tuple[tuple[str, str], ...] = (
    (r"path|dir|root|folder|file|location|db$|database", 'tmp_path / "data"'),
    (r"tenant|org|account|workspace|customer|team|owner", '"tenant-a"'),
    (r"^key$|_id$|^id$", '"k1"'),
    (r"secret|key$|signing|salt", '"secret-1"'),
    (r"attempt|retr", "3"),
    (r"limit|max|capacity|burst|quota|rate|count|size", "3"),
    (r"ttl|window|period|interval|seconds|timeout|lease_for|duration|expires_in", "60"),
    (r"token", "token"),
    (r"^(data|payload|body|raw|frame|buf|buffer|blob|packet|chunk|wire|message|msg)$", 'b"{}"'),
    (r"cmd|command|argv|args$|script|query", "payload"),
    (r"host", '"127.0.0.1"'),
    (r"port", "port"),
    (r"url|endpoint", '"http://127.0.0.1:8080/"'),
    (r"id$|name$|^key|job|task|item|worker|holder|client", '"a"'),
    (r"value|val$|content|text", '"v"'),
)


def _arg(name: str) -> str:
    low = name.lower()
    for pattern, value in _ARG_RULES:
        if re.search(pattern, low):
            return value
    return "..."


def _args(params: tuple[str, ...], **override: str) -> str:
    return ", ".join(override.get(p, _arg(p)) for p in params if not p.startswith("*"))


@dataclass(frozen=True)
class Names:
    """How the sketch refers to the code under test."""

    imports: str
    #: Expression that builds the object (``Store(tmp_path / 'data')``) or "".
    make: str
    #: The callable to exercise (``store.put`` or ``put``).
    call: str
    params: tuple[str, ...]
    #: snake_case subject for test names (``store_put``).
    subject: str
    short: str
    #: Public methods of the class under test with their parameters.
    methods: tuple[tuple[str, tuple[str, ...]], ...] = ()


_WRITE_VERBS = re.compile(r"^(put|set|save|write|append|insert|add|store|acquire|submit|commit)")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def names_for(site: Site) -> Names:
    """Import line, constructor and call expression for ``site``."""
    qual = site.qualname or ""
    func = qual.rsplit(".", 1)[-1] if qual else "main"
    if "<locals>" in qual or not qual:
        return Names(f"import {site.module}", "", f"{site.module}.{func}", site.params, func, func)
    params = site.params
    if site.cls and (func == "__init__" or func.startswith("_")) and site.methods:
        chosen = next((m for m in site.methods if _WRITE_VERBS.match(m[0])), site.methods[0])
        func, params = chosen
    if site.cls:
        var = _snake(site.cls).split("_")[-1] or "obj"
        make = f"{site.cls}({_args(site.init_params)})"
        call = f"{var}.{func}"
        subject = f"{_snake(site.cls)}_{func.strip('_')}"
        imports = f"from {site.module} import {site.cls}"
        return Names(imports, make, call, params, subject, func, site.methods)
    return Names(f"from {site.module} import {func}", "", func, site.params, func.strip("_"), func)


_FREE_VARS = (
    ("token", "a token the code under test accepts"),
    ("payload", "the input to try"),
    ("port", "the port of the server under test"),
)


def _setup(n: Names, indent: str = "    ", defined: tuple[str, ...] = ()) -> str:
    """Build the object under test and stub the variables its call needs."""
    lines = []
    if n.make:
        lines.append(f"{indent}{n.call.split('.', 1)[0]} = {n.make}\n")
    used = _args(n.params) + " " + n.make
    for var, note in _FREE_VARS:
        if var not in defined and re.search(rf"\b{var}\b", used):
            lines.append(f"{indent}{var} = ...  # {note}\n")
    return "".join(lines)


def _call(n: Names, **override: str) -> str:
    return f"{n.call}({_args(n.params, **override)})"


def _hard_kill(n: Names) -> str:
    var = n.call.split(".", 1)[0] if n.make else "_"
    make = (n.make or "None").replace('tmp_path / "data"', "path")
    key = {p: "f'k{i}'" for p in n.params[:1]}
    call = _call(n, **key).replace('tmp_path / "data"', "path")
    made = n.make.replace('tmp_path / "data"', 'str(tmp_path / "data")')
    reopen = f"    {var} = {made}\n" if n.make else ""
    return f"""import itertools

from testvet.harness import History, check_set
{n.imports}


def _writer(path, log_path):
    {var} = {make}
    with open(log_path, "a") as log:
        print("ready", flush=True)
        for i in itertools.count():
            log.write(f"try {{i}}\\n")
            log.flush()
            {call}
            log.write(f"ack {{i}}\\n")
            log.flush()


def test_{n.subject}_survives_hard_kill(hard_kill, tmp_path):
    log = tmp_path / "acks.log"
    proc = hard_kill.start(
        _writer, args=[str(tmp_path / "data"), str(log)], ready=hard_kill.ready_line("ready")
    )
    proc.kill_at_random(within=(0.05, 0.5))
    proc.wait()
    history, pending = History(), {{}}
    for line in log.read_text().splitlines():
        verb, _, i = line.partition(" ")
        if verb == "try":
            pending[i] = history.invoke("writer", "add", int(i))
        elif verb == "ack" and i in pending:
            history.ok(pending.pop(i))
    # Reopen after the crash and read back every id through the public API.
{reopen}    present = [...]  # ids whose records survived
    check_set(history, final=present).assert_ok()
"""


def _disk_full(n: Names) -> str:
    return f"""import pytest
{n.imports}


def test_{n.subject}_disk_full_keeps_old_data(disk_faults, tmp_path):
{_setup(n)}    before = {_call(n)}
    with disk_faults.enospc(after_bytes=0), pytest.raises(OSError):
        {_call(n)}
    # The failed write must not corrupt what was already stored.
{_setup(n)}    assert ...  # read back `before` through the public API
"""


def _partition(n: Names) -> str:
    setup = _setup(n, defined=("port",)).replace('"127.0.0.1"', "host")
    return f"""import pytest
{n.imports}


# server_address: your fixture that starts the real server and returns (host, port).
def test_{n.subject}_survives_partition(fault_proxy, server_address):
    proxy = fault_proxy(upstream=server_address)
    host, port = proxy.listen_address  # point the code under test here
    proxy.add_toxic("latency", latency_ms=200)
    proxy.disable()
{setup}    with pytest.raises((ConnectionError, TimeoutError)):
        {_call(n, host="host", port="port")}
    proxy.enable()
    assert {_call(n, host="host", port="port")} is not None  # recovers after the partition
"""


def _fuzz(n: Names) -> str:
    return f"""from testvet.harness import fuzz
{n.imports}

#: The errors {n.short}() documents for bad input; anything else fails the test.
KNOWN_ERRORS = (ValueError,)


def test_{n.subject}_survives_arbitrary_bytes():
{_setup(n)}    result = fuzz(
        lambda data: {_call(n, **{p: "data" for p in n.params[:1]})},
        budget_seconds=5,
        allowed=KNOWN_ERRORS,
    )
    assert result.examples > 0
"""


def _alg_none(n: Names) -> str:
    return f"""import base64
import json

import pytest
{n.imports}


def _b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_{n.subject}_rejects_alg_none():
    token = _b64({{"alg": "none", "typ": "JWT"}}) + "." + _b64({{"sub": "admin"}}) + "."
{_setup(n)}    with pytest.raises(Exception):
        {_call(n)}
"""


def _wrong_key(n: Names) -> str:
    make_other = n.make.replace('"secret-1"', '"attacker-key"') if n.make else ""
    other = f"    other = {make_other}\n" if make_other else ""
    return f"""import pytest
{n.imports}


def test_{n.subject}_rejects_token_from_other_key():
{_setup(n)}{other}    # Mint a token with a different key, then verify it with the real one.
    token = ...  # e.g. other.sign(b"payload") or encode(claims, key="attacker-key")
    with pytest.raises(Exception):
        {_call(n)}
"""


def _expired(n: Names) -> str:
    return f"""import pytest
{n.imports}


def test_{n.subject}_rejects_expired_replay(clock):
{_setup(n, defined=("token",))}    token = ...  # issue a token with a short lifetime
    clock.travel(3600)  # far past its expiry
    with pytest.raises(Exception):
        {_call(n)}
"""


def _rate_limit(n: Names) -> str:
    return f"""{n.imports}


def test_{n.subject}_allows_limit_then_refuses_one_more():
    limit = 3
{_setup(n)}    allowed = [{_call(n)} for _ in range(limit)]
    assert all(allowed)
    assert not {_call(n)}  # request limit + 1 is refused
"""


_TENANT = re.compile(r"tenant|org|account|workspace|customer|team|owner")
_WRITERS = re.compile(r"^(put|save|create|add|insert|write|store|set)")
_READERS = re.compile(r"^(get|load|read|fetch|find|list|query|search)")
Method = tuple[str, tuple[str, ...]]


def _tenant_pair(n: Names) -> tuple[Method, Method] | None:
    """A writer and a reader method that both take a tenant, when the class has them."""
    scoped = [m for m in n.methods if any(_TENANT.search(p) for p in m[1])]
    writer = next((m for m in scoped if _WRITERS.match(m[0])), None)
    reader = next((m for m in scoped if _READERS.match(m[0])), None)
    return (writer, reader) if writer and reader and n.make else None


def _tenant(n: Names) -> str:
    pair = _tenant_pair(n)
    if pair is not None:
        (wname, wparams), (rname, rparams) = pair
        var = n.call.split(".", 1)[0]
        other = {p: '"tenant-b"' for p in rparams if _TENANT.search(p)}
        return f"""{n.imports}


def test_{n.subject}_second_tenant_is_denied():
{_setup(n)}    {var}.{wname}({_args(wparams)})
    assert {var}.{rname}({_args(rparams)})  # tenant-a reads its own data
    try:
        leaked = {var}.{rname}({_args(rparams, **other)})
    except (PermissionError, LookupError):
        leaked = None
    assert not leaked  # tenant-b must not see tenant-a's data
"""
    call_b = _call(n, **{p: '"tenant-b"' for p in n.params if _TENANT.search(p)})
    return f"""import pytest
{n.imports}


def test_{n.subject}_second_tenant_is_denied():
{_setup(n)}    # tenant-a owns the data; tenant-b asks for it with tenant-a's ids.
    assert {_call(n)} is not None
    with pytest.raises(Exception):  # or: assert the result is empty / None
        {call_b}
"""


_PAYLOADS = '["; touch {m}", "| touch {m}", "`touch {m}`", "$(touch {m})", "\\ntouch {m}"]'


def _injection(n: Names) -> str:
    return f"""import pytest
{n.imports}

PAYLOADS = {_PAYLOADS}


@pytest.mark.parametrize("template", PAYLOADS)
def test_{n.subject}_resists_shell_injection(template, tmp_path):
    marker = tmp_path / "pwned"
    payload = "x " + template.format(m=marker)
{_setup(n, defined=("payload",))}    try:
        {_call(n)}
    except Exception:
        pass  # refusing the input is fine
    assert not marker.exists()
"""


def _forged(n: Names) -> str:
    return f"""import pytest
{n.imports}


def test_{n.subject}_rejects_forged_signature():
{_setup(n)}    body = b'{{"event": "paid"}}'
    signature = ...  # a valid signature of body
    forged = signature[:-1] + ("0" if signature[-1:] != "0" else "1")
    with pytest.raises(Exception):  # or: assert the call returns False
        {_call(n, body="body", signature="forged", sig="forged", payload="body")}
"""


def _duplicate(n: Names) -> str:
    return f"""{n.imports}


def test_{n.subject}_ignores_duplicate_delivery():
{_setup(n)}    first = {_call(n)}
    second = {_call(n)}  # the same delivery, redelivered
    assert ...  # the side effect happened exactly once (count rows, charges, calls)
"""


def _workers(n: Names) -> dict[str, str]:
    return {p: "worker" for p in n.params if re.search(r"worker|holder|owner|client", p)}


def _concurrent_lease(n: Names) -> str:
    return f"""import threading
{n.imports}


def test_{n.subject}_has_one_winner_under_contention():
{_setup(n)}    barrier = threading.Barrier(8)
    winners = []

    def contender(worker):
        barrier.wait()
        if {_call(n, **_workers(n))}:
            winners.append(worker)

    threads = [threading.Thread(target=contender, args=(f"w{{i}}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
"""


def _lease_expiry(n: Names) -> str:
    return f"""import pytest
{n.imports}


def test_{n.subject}_expired_lease_is_rejected(clock):
{_setup(n)}    lease = {_call(n)}
    clock.travel(3600)  # well past the lease's lifetime
    # The old holder must not be able to use (renew, commit with) the stale lease.
    with pytest.raises(Exception):
        ...  # use `lease` (its fencing token) for a write
"""


def _rollback(n: Names) -> str:
    return f"""import pytest
{n.imports}


def test_{n.subject}_rollback_failure_is_reported(monkeypatch):
{_setup(n)}    def broken_rollback(*args, **kwargs):
        raise OSError("rollback failed")

    monkeypatch.setattr(..., broken_rollback)  # the undo step {n.short}() relies on
    with pytest.raises(Exception):
        {_call(n)}  # make a step fail so the rollback runs
    assert ...  # no partial state left behind, and the failure is visible
"""


def _clock_skew(n: Names) -> str:
    return f"""import pytest
{n.imports}


@pytest.mark.parametrize("skew", [-300, 300])
def test_{n.subject}_tolerates_clock_skew(clock, skew):
{_setup(n)}    issued = {_call(n)}
    clock.skew(skew)  # this node's clock runs `skew` seconds off the issuer's
    assert ...  # expiry decisions stay correct (no early expiry, no endless validity)
    # For another process: subprocess.run(cmd, env={{**os.environ, **clock.skewed_env(skew)}})
"""


_TEMPLATES: dict[str, Callable[[Names], str]] = {
    S.HARD_KILL.value: _hard_kill,
    S.DISK_FULL.value: _disk_full,
    S.NETWORK_PARTITION.value: _partition,
    S.FUZZ_PARSER.value: _fuzz,
    S.AUTH_ALG_NONE.value: _alg_none,
    S.AUTH_WRONG_KEY.value: _wrong_key,
    S.AUTH_EXPIRED_REPLAY.value: _expired,
    S.RATE_LIMIT_BOUNDARY.value: _rate_limit,
    S.CROSS_TENANT_ACCESS.value: _tenant,
    S.COMMAND_INJECTION.value: _injection,
    S.FORGED_SIGNATURE.value: _forged,
    S.DUPLICATE_DELIVERY.value: _duplicate,
    S.CONCURRENT_LEASE.value: _concurrent_lease,
    S.LEASE_EXPIRY.value: _lease_expiry,
    S.ROLLBACK_FAILURE.value: _rollback,
    S.CLOCK_SKEW.value: _clock_skew,
}


_TEST_DEF = re.compile(r"^def (test_\w+)\((.*)\):$", re.MULTILINE)


def _needs_tmp_path(text: str) -> str:
    """Add the ``tmp_path`` fixture to the test's signature when the body uses it."""

    def fix(match: re.Match[str]) -> str:
        params = [p.strip() for p in match.group(2).split(",") if p.strip()]
        if "tmp_path" in params or "tmp_path" not in text:
            return match.group(0)
        return f"def {match.group(1)}({', '.join([*params, 'tmp_path'])}):"

    return _TEST_DEF.sub(fix, text)


def recommended_test(scenario: str, site: Site) -> str:
    """A pytest sketch exercising ``scenario`` against ``site``'s function."""
    return _needs_tmp_path(_TEMPLATES[scenario](names_for(site)))
