"""Evidence detectors: which tests exercise which failure/abuse scenario.

A test's facts are gathered from its own body, its decorators, the fixtures it requests
and the helpers it calls (same file or a ``conftest.py``), one level deep.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from testvet.model import Evidence, Scenario
from testvet.scenarios.astutil import (
    FuncNode,
    call_name,
    dotted,
    functions,
    identifiers,
    import_aliases,
    param_names,
    resolve,
    strings,
)
from testvet.scenarios.sources import SourceFile
from testvet.static.astutil import fixture_name

S = Scenario


@dataclass
class TestFacts:
    """What one test function does, as far as scenarios are concerned."""

    __test__ = False

    nodeid: str
    path: str
    line: int
    name: str
    params: set[str] = field(default_factory=set)
    idents: set[str] = field(default_factory=set)
    strings: list[str] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)
    asserts: bool = False
    rejects: bool = False
    loops: bool = False
    concurrency: bool = False
    negative_numbers: bool = False
    repeated_call: bool = False
    plus_one_limit: bool = False
    mutated_signature: bool = False
    decorators: set[str] = field(default_factory=set)
    #: Key-like slot (``secret_key``) -> the distinct string constants given to it.
    key_constants: dict[str, set[str]] = field(default_factory=dict)
    _text: str | None = field(default=None, repr=False)

    def merge(self, other: TestFacts, checks: bool) -> None:
        self._text = None
        self.idents |= other.idents
        self.strings += other.strings
        self.calls |= other.calls
        self.loops |= other.loops
        self.concurrency |= other.concurrency
        self.negative_numbers |= other.negative_numbers
        self.mutated_signature |= other.mutated_signature
        self.plus_one_limit |= other.plus_one_limit
        for slot, values in other.key_constants.items():
            self.key_constants.setdefault(slot, set()).update(values)
        self.decorators |= other.decorators
        if checks:
            self.asserts |= other.asserts
            self.rejects |= other.rejects

    def text(self) -> str:
        """Name, identifiers and strings in one lowercased string (computed once)."""
        if self._text is None:
            self._text = " ".join([self.name, *sorted(self.idents), *self.strings]).lower()
        return self._text


_CONCURRENCY = (
    "threading.Thread",
    "threading.Barrier",
    "concurrent.futures.",
    "multiprocessing.",
    "asyncio.gather",
    "asyncio.TaskGroup",
    "anyio.create_task_group",
)
_REJECT_STATUS = {400, 401, 403, 404, 409, 422, 429}
_REJECT_WORDS = re.compile(r"denied|forbidden|unauthori[sz]ed|reject|invalid|expired|not allowed")
_RAISES = ("pytest.raises", "assertRaises", "assertRaisesRegex", "assertFalse", "assertIsNone")


def _rejection(node: ast.AST, aliases: dict[str, str]) -> bool:
    """Whether ``node`` checks that something was refused."""
    if isinstance(node, ast.Call):
        name = call_name(node, aliases)
        return name.endswith(_RAISES) or name.rsplit(".", 1)[-1] in ("raises", "assertRaises")
    if not isinstance(node, ast.Assert):
        return False
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    for sub in ast.walk(test):
        if isinstance(sub, ast.Constant) and (
            sub.value in _REJECT_STATUS or sub.value is False or sub.value is None
        ):
            return True
        if isinstance(sub, ast.Compare) and any(isinstance(o, ast.NotIn) for o in sub.ops):
            return True
        if (
            isinstance(sub, ast.Constant)
            and isinstance(sub.value, str)
            and _REJECT_WORDS.search(sub.value.lower())
        ):
            return True
        if isinstance(sub, (ast.List, ast.Dict, ast.Set)) and not getattr(
            sub, "elts", getattr(sub, "keys", [1])
        ):
            return True
    return False


def _is_check(node: ast.AST, aliases: dict[str, str]) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Call):
        last = (dotted(node.func) or "").rsplit(".", 1)[-1]
        return last.startswith("assert") or last in ("raises", "fail", "check_set", "check_queue")
    return False


_KEYISH = re.compile(r"(^|_)(key|secret)s?$")


def _key_constants(nodes: list[ast.AST]) -> dict[str, set[str]]:
    """String constants assigned or passed to names like ``secret_key`` / ``key=``, per name."""
    found: dict[str, set[str]] = {}

    def take(target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
            for t, v in zip(target.elts, value.elts, strict=False):
                take(t, v)
            return
        if not (isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes))):
            return
        last = target.attr if isinstance(target, ast.Attribute) else None
        if isinstance(target, ast.Name):
            last = target.id
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            last = str(target.slice.value)
        if last and _KEYISH.search(last.lower()):
            found.setdefault(last.lower(), set()).add(repr(value.value))

    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                take(target, node.value)
        elif isinstance(node, ast.keyword) and node.arg and _KEYISH.search(node.arg.lower()):
            take(ast.Name(id=node.arg), node.value)
    return found


def _mutates(node: ast.AST) -> bool:
    """A slice, a concatenation or a ``.replace()``: how tests tamper with a value."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Slice)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Add, ast.BitXor))
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replace"
    )


def _facts(nodeid: str, path: str, func: FuncNode, aliases: dict[str, str]) -> TestFacts:
    # Decorators, nested helpers and lambdas are all part of what the test does.
    nodes = [n for n in ast.walk(func) if n is not func]
    facts = TestFacts(nodeid=nodeid, path=path, line=func.lineno, name=func.name.lower())
    facts.params = set(param_names(func))
    facts.idents = identifiers(nodes) | {p.lower() for p in facts.params}
    facts.strings = strings(nodes)
    seen_calls: dict[str, int] = {}
    for node in nodes:
        if isinstance(node, ast.Call):
            name = call_name(node, aliases)
            facts.calls.add(name)
            if name.startswith(_CONCURRENCY):
                facts.concurrency = True

        statement_call = (
            node.value
            if isinstance(node, (ast.Expr, ast.Assign)) and isinstance(node.value, ast.Call)
            else None
        )
        if statement_call is not None and statement_call.args:
            key = ast.dump(statement_call)
            seen_calls[key] = seen_calls.get(key, 0) + 1
        if _is_check(node, aliases):
            facts.asserts = True
        if _rejection(node, aliases):
            facts.rejects = True
        if isinstance(node, (ast.For, ast.While, ast.comprehension)):
            facts.loops = True
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
        ):
            facts.negative_numbers = True
        if (
            not facts.plus_one_limit
            and isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Add)
            and isinstance(node.right, ast.Constant)
            and node.right.value == 1
            and any(
                re.search(r"limit|max|quota|capacity|burst|allow", i)
                for i in identifiers(list(ast.walk(node.left)))
            )
        ):
            facts.plus_one_limit = True
        if (
            not facts.mutated_signature
            and _mutates(node)
            and any(
                re.search(r"sig|token|mac|digest", i) for i in identifiers(list(ast.walk(node)))
            )
        ):
            facts.mutated_signature = True
    facts.repeated_call = any(count >= 2 for count in seen_calls.values())
    facts.key_constants = _key_constants(nodes)
    for dec in func.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        dec_name = dotted(target)
        if dec_name:
            facts.decorators.add(resolve(dec_name, aliases))
    return facts


# --------------------------------------------------------------------------- predicates


def _any(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _hard_kill(t: TestFacts) -> str | None:
    if "hard_kill" in t.params:
        return "uses the hard_kill fixture"
    shim = "fsync_discipline" in t.params or any(c.endswith("fsync_discipline") for c in t.calls)
    if shim and "crash" in t.idents and t.asserts:
        return "simulates a power loss with fsync_discipline and reads back"
    text = t.text()
    killed = (
        "sigkill" in t.idents
        or any(c.endswith(".kill") for c in t.calls)
        or "kill -9" in text
        or "os._exit" in t.calls
    )
    spawned = any(c.startswith(("subprocess.", "multiprocessing.", "os.fork")) for c in t.calls)
    if killed and spawned and t.asserts:
        return "SIGKILLs a child process and checks what survived"
    return None


def _disk_full(t: TestFacts) -> str | None:
    if "disk_faults" in t.params:
        return "uses the disk_faults fixture"
    text = t.text()
    if _any(r"enospc|no space left|rlimit_fsize|disk.?full", text) and t.asserts:
        return "simulates a full disk (ENOSPC)"
    return None


def _partition(t: TestFacts) -> str | None:
    if "fault_proxy" in t.params or "toxiproxy" in t.text():
        return "puts a fault proxy between the components"
    words = r"connectionreseterror|connectionrefusederror|connectionabortederror|brokenpipeerror"
    if t.asserts and (
        _any(words, " ".join(t.idents)) or _any(r"partition|disconnect|unreachable", t.name)
    ):
        return "breaks the connection mid-exchange and checks the outcome"
    return None


def _fuzz(t: TestFacts) -> str | None:
    if "fuzz" in {c.rsplit(".", 1)[-1] for c in t.calls} or "atheris" in t.text():
        return "fuzzes the parser"
    if any(d.endswith("given") for d in t.decorators):
        return "feeds generated inputs (hypothesis @given)"
    return None


def _alg_none(t: TestFacts) -> str | None:
    text = t.text()
    alg_none = (
        ("alg" in t.idents or "alg" in t.strings or "algorithm" in t.idents)
        and any(s.lower() == "none" for s in t.strings)
    ) or "eyjhbgcioijub25li" in text
    if alg_none and t.rejects:
        return "presents an alg=none token and expects rejection"
    return None


def _wrong_key(t: TestFacts) -> str | None:
    text = t.text()
    named = _any(r"(wrong|other|bad|another|different|attacker|evil|foreign)_?(key|secret)", text)
    if named and t.rejects:
        return "verifies with another key and expects rejection"
    if any(len(values) >= 2 for values in t.key_constants.values()) and t.rejects:
        return "switches to a different key and expects rejection"
    return None


def _expired(t: TestFacts) -> str | None:
    text = t.text()
    timed = _any(r"expir|replay|max_age|stale", text) or "clock" in t.params
    travelled = any(c.endswith(("travel", "freeze_time", "move_to", "tick")) for c in t.calls)
    if (timed or travelled) and t.rejects:
        return "presents an expired or replayed token and expects rejection"
    return None


def _rate_limit(t: TestFacts) -> str | None:
    text = t.text()
    if _any(r"limit|throttl|quota|burst", text) and (t.loops or t.plus_one_limit) and t.rejects:
        return "sends requests past the limit and expects the extra one refused"
    return None


def _cross_tenant(t: TestFacts) -> str | None:
    text = t.text()
    tenantish = _any(r"tenant|org|account|workspace|customer", text)
    other = _any(
        r"(other|second|another|foreign|attacker)_?(tenant|org|account|workspace|customer)"
        r"|(tenant|org|account|workspace|customer)_?(b|2|two)\b|cross.?tenant",
        text,
    )
    if tenantish and other and t.rejects:
        return "has a second tenant try the first one's data and expects denial"
    return None


_CMD = r"(?:touch|rm|echo|cat|id|whoami|curl|wget|ls|sleep|reboot|nc|sh|bash|uname|printf)\b"
#: Shell metacharacter variants, each followed by a command (how injection payloads look).
INJECTION_VARIANTS: dict[str, re.Pattern[str]] = {
    ";": re.compile(rf";\s*{_CMD}"),
    "|": re.compile(rf"\|\s*{_CMD}"),
    "`": re.compile(rf"`\s*{_CMD}[^`]*`"),
    "$()": re.compile(rf"\$\(\s*{_CMD}[^)]*\)"),
    "&&": re.compile(rf"&&\s*{_CMD}"),
    "newline": re.compile(rf"\n\s*{_CMD}"),
}


def injection_variants(t: TestFacts) -> set[str]:
    """Shell metacharacter variants present among the test's string constants."""
    found: set[str] = set()
    for s in t.strings:
        if len(s) > 200:
            continue
        for label, pattern in INJECTION_VARIANTS.items():
            if pattern.search(s):
                found.add(label)
    return found


def _injection(t: TestFacts) -> str | None:
    variants = injection_variants(t)
    if len(variants) >= 3 and t.asserts:
        return f"passes shell metacharacters ({' '.join(sorted(variants))})"
    return None


def _forged(t: TestFacts) -> str | None:
    text = t.text()
    named = _any(r"forg|tamper|(bad|invalid|wrong|fake)_?sig|modified", text)
    if (named or t.mutated_signature) and t.rejects:
        return "tampers with a signature and expects rejection"
    return None


def _duplicate(t: TestFacts) -> str | None:
    if not t.asserts:
        return None
    if _any(r"duplicate|twice|idempot|redeliver|dedup|same_(event|message|delivery|key)", t.name):
        return "delivers the same item twice"
    if t.repeated_call and _any(r"idempot|dedup|delivery|message_id|event_id", t.text()):
        return "repeats the same delivery call"
    return None


def _concurrent_lease(t: TestFacts) -> str | None:
    text = t.text()
    if t.concurrency and _any(r"lease|lock|acquire|claim", text) and t.asserts:
        return "races workers for one lease and checks the winners"
    return None


def _lease_expiry(t: TestFacts) -> str | None:
    text = t.text()
    lease = _any(r"lease|lock|claim", text)
    passage = (
        "clock" in t.params
        or _any(r"expir|ttl", text)
        or any(c.endswith(("travel", "freeze_time", "move_to", "tick", "sleep")) for c in t.calls)
    )
    if lease and passage and t.rejects:
        return "uses a lease after it expired and expects rejection"
    return None


def _rollback(t: TestFacts) -> str | None:
    text = t.text()
    if not _any(r"rollback|roll_back|undo|revert|compensat", text) or not t.asserts:
        return None
    injected = (
        "monkeypatch" in t.params
        or "side_effect" in t.idents
        or "disk_faults" in t.params
        or "hard_kill" in t.params
        or _any(r"rollback_?(fail|error|hang|raise)|fail\w*_rollback|broken", t.name)
    )
    if injected:
        return "makes the rollback itself fail and checks the outcome"
    return None


def _clock_skew(t: TestFacts) -> str | None:
    text = t.text()
    if "skewed_env" in t.idents or _any(r"skew|drift|clock_?(ahead|behind|jump)", text):
        return "runs with skewed clocks"
    travelled = "clock" in t.params or any(
        c.endswith(("travel", "move_to", "shift", "freeze_time", "tick")) for c in t.calls
    )
    if travelled and t.negative_numbers:
        return "moves the clock backwards"
    if travelled and _any(r"future|ahead|behind|backward|past|earlier", t.name):
        return "checks a timestamp from another clock's future or past"
    return None


PREDICATES: dict[str, Callable[[TestFacts], str | None]] = {
    S.HARD_KILL.value: _hard_kill,
    S.DISK_FULL.value: _disk_full,
    S.NETWORK_PARTITION.value: _partition,
    S.FUZZ_PARSER.value: _fuzz,
    S.AUTH_ALG_NONE.value: _alg_none,
    S.AUTH_WRONG_KEY.value: _wrong_key,
    S.AUTH_EXPIRED_REPLAY.value: _expired,
    S.RATE_LIMIT_BOUNDARY.value: _rate_limit,
    S.CROSS_TENANT_ACCESS.value: _cross_tenant,
    S.COMMAND_INJECTION.value: _injection,
    S.FORGED_SIGNATURE.value: _forged,
    S.DUPLICATE_DELIVERY.value: _duplicate,
    S.CONCURRENT_LEASE.value: _concurrent_lease,
    S.LEASE_EXPIRY.value: _lease_expiry,
    S.ROLLBACK_FAILURE.value: _rollback,
    S.CLOCK_SKEW.value: _clock_skew,
}


# --------------------------------------------------------------------------- collection


def _is_test(qual: str, func: FuncNode, cls: str | None) -> bool:
    if not func.name.startswith("test"):
        return False
    if cls is None:
        return "." not in qual
    return qual == f"{cls}.{func.name}"


def _is_fixture(func: FuncNode) -> bool:
    for dec in func.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if (dotted(target) or "").endswith("fixture"):
            return True
    return False


@dataclass(frozen=True)
class TestIndex:
    """Every test's facts plus the files they live in."""

    __test__ = False

    tests: tuple[TestFacts, ...]


def _module_constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to literals -> their strings (parametrize tables, payloads)."""
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found = strings(list(ast.walk(node.value)))
            for target in targets:
                if isinstance(target, ast.Name) and found:
                    out[target.id] = found
    return out


def collect(files: tuple[SourceFile, ...]) -> TestIndex:
    """Facts for every test function in ``files`` (helpers and fixtures folded in)."""
    shared: dict[str, TestFacts] = {}
    #: fixture name -> (defining file, facts): a test gets the one pytest would give it
    fixtures: dict[str, list[tuple[str, TestFacts]]] = {}
    per_file: list[tuple[SourceFile, dict[str, str], list[tuple[str, FuncNode, str | None]]]] = []
    for source in files:
        aliases = import_aliases(source.tree, source.module)
        funcs = list(functions(source.tree))
        per_file.append((source, aliases, funcs))
        for qual, node, cls in funcs:
            if _is_test(qual, node, cls):
                continue
            facts = _facts(qual, source.path, node, aliases)
            if _is_fixture(node):  # requested by its ``name=``, if it has one
                fixtures.setdefault(fixture_name(node), []).append((source.path, facts))
            elif cls is None or source.path.endswith("conftest.py"):
                shared.setdefault(f"{source.path}::{node.name}", facts)
                if source.path.endswith("conftest.py"):
                    shared.setdefault(node.name, facts)
    tests: list[TestFacts] = []
    for source, aliases, funcs in per_file:
        constants = _module_constants(source.tree)
        for qual, node, cls in funcs:
            if not _is_test(qual, node, cls):
                continue
            nodeid = f"{source.path}::{qual.replace('.', '::')}"
            facts = _facts(nodeid, source.path, node, aliases)
            referenced = {
                n.id
                for dec in [node, *node.decorator_list]
                for n in ast.walk(dec)
                if isinstance(n, ast.Name)
            }
            for name in referenced & set(constants):
                facts.strings += constants[name]
            for param in list(facts.params):
                fixture = _visible_fixture(fixtures.get(param, ()), source.path)
                if fixture is not None:
                    facts.merge(fixture, checks=False)
            for called in list(facts.calls):
                last = called.rsplit(".", 1)[-1]
                helper = shared.get(f"{source.path}::{last}") or shared.get(last)
                if helper is not None:
                    facts.merge(helper, checks=True)
            tests.append(facts)
    return TestIndex(tuple(tests))


def _visible_fixture(
    definitions: Iterable[tuple[str, TestFacts]], test_path: str
) -> TestFacts | None:
    """The definition pytest gives a test in ``test_path``: its own module's, else the
    nearest ``conftest.py`` above it; one from elsewhere (a plugin module) last."""
    here = posixpath.dirname(test_path)
    best: TestFacts | None = None
    best_rank = -2
    for path, facts in definitions:
        if path == test_path:
            rank = 1 << 16
        elif posixpath.basename(path) == "conftest.py":
            where = posixpath.dirname(path)
            if where and here != where and not here.startswith(where + "/"):
                continue  # another directory's conftest: not visible here
            rank = where.count("/") + 1 if where else 0
        else:
            rank = -1
        if rank > best_rank:
            best, best_rank = facts, rank
    return best


def for_test(test: TestFacts) -> list[Evidence]:
    """The scenarios ``test`` exercises."""
    out: list[Evidence] = []
    for scenario, predicate in PREDICATES.items():
        reason = predicate(test)
        if reason:
            out.append(Evidence(scenario, test.nodeid, test.path, test.line, reason))
    return out
