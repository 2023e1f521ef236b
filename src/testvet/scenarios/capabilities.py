"""Capability detectors: what the project code does that calls for failure/abuse scenarios.

Each detector looks at one function (AST plus the module's imports) and is deliberately
conservative: a plain ``open(...).write`` is not "persists data", a ``threading.Lock`` is
not a lease, ``hashlib`` without a secret is not a signature.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from testvet.model import Capability, Scenario, Severity
from testvet.scenarios import vocabulary as v
from testvet.scenarios.astutil import (
    FuncNode,
    call_name,
    dotted,
    functions,
    identifiers,
    import_aliases,
    own_nodes,
    param_names,
    resolve,
)
from testvet.scenarios.sources import SourceFile

S = Scenario


@dataclass(frozen=True)
class Site:
    """A capability plus what the recommended test needs to know about its function."""

    capability: Capability
    module: str
    qualname: str | None = None
    cls: str | None = None
    #: Parameters of the function (``self`` dropped).
    params: tuple[str, ...] = ()
    #: Parameters of the enclosing class's ``__init__``.
    init_params: tuple[str, ...] = ()
    #: Severity override for this site (None: the catalog's).
    severity: Severity | None = None
    #: Facts the recommended test can use (e.g. ``wall_clock``).
    hints: tuple[str, ...] = field(default=())
    #: Public methods of the enclosing class with their parameters, in source order.
    methods: tuple[tuple[str, tuple[str, ...]], ...] = ()


# --------------------------------------------------------------------------- module facts


@dataclass
class _ModuleFacts:
    source: SourceFile
    aliases: dict[str, str]
    wall_clock: bool
    token_words: bool
    alg_header: bool
    jwt_lib: bool
    signing_lib: bool
    expiry_words: bool
    #: Functions or classes named like a signer (``sign``, ``unsign``, ``Signer``).
    signer_names: bool


_WORD = re.compile(r"^[A-Za-z_]\w{0,30}$")


def _word_strings(nodes: Iterable[ast.AST]) -> set[str]:
    """Identifier-like string constants (dict keys such as ``"exp"``), lowercased."""
    return {
        n.value.lower()
        for n in nodes
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and _WORD.match(n.value)
    }


def _uses_lib(imported: set[str], libs: tuple[str, ...], module: str) -> bool:
    """Whether the module imports one of ``libs`` (a library's own modules do not count)."""
    own = module.split(".", 1)[0]
    return any(
        (m == lib or m.startswith(lib + ".")) and lib.split(".", 1)[0] != own
        for m in imported
        for lib in libs
    )


def _module_facts(source: SourceFile) -> _ModuleFacts:
    aliases = import_aliases(source.tree, source.module)
    nodes = list(ast.walk(source.tree))
    idents = identifiers(nodes) | _word_strings(nodes)
    calls = {call_name(n, aliases) for n in nodes if isinstance(n, ast.Call)}
    imported = set(aliases.values())
    alg = any(
        isinstance(n, ast.Constant) and n.value in ("alg", "algorithm", "algorithms") for n in nodes
    )
    return _ModuleFacts(
        source=source,
        aliases=aliases,
        wall_clock=bool(calls & v.WALL_CLOCK),
        token_words=any(v.TOKEN_WORDS.search(i) for i in idents),
        alg_header=alg,
        jwt_lib=_uses_lib(imported, v.JWT_LIBS, source.module),
        signing_lib=_uses_lib(imported, v.SIGNING_LIBS, source.module),
        expiry_words=any(v.EXPIRY_WORDS.search(i) for i in idents),
        signer_names=any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and v.SIGNER_NAME.search(n.name.lower())
            for n in nodes
        ),
    )


@dataclass
class _Func:
    """One function's facts, as the detectors see them."""

    mod: _ModuleFacts
    qualname: str
    node: FuncNode
    cls: str | None
    nodes: list[ast.AST]
    calls: list[tuple[str, ast.Call]]
    idents: set[str]
    params: list[str]

    def first_call(self, *prefixes: str) -> ast.Call | None:
        """The first call of a library function named by ``prefixes`` (``"pkg."``: any).

        Calls into the project's own package never count: inside ``requests`` a call to
        ``requests.utils.x`` is not "uses the requests library".
        """
        own = self.mod.source.module.split(".", 1)[0] + "."
        for name, call in self.calls:
            if name.startswith(own):
                continue
            if any(name == p or (p.endswith(".") and name.startswith(p)) for p in prefixes):
                return call
        return None

    def call_names(self) -> set[str]:
        return {name for name, _ in self.calls}

    def has_compare(self, *ops: type[ast.cmpop]) -> bool:
        wanted = ops or (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
        return any(
            isinstance(n, ast.Compare) and any(isinstance(op, wanted) for op in n.ops)
            for n in self.nodes
        )


def _uses_param(expr: ast.AST, params: Iterable[str]) -> bool:
    names = set(params)
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(expr))


def _is_literal(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, (ast.List, ast.Tuple)):
        return all(_is_literal(e) for e in expr.elts)
    return False


Hit = tuple[str, int, tuple[str, ...], str, Severity | None]
Detector = Callable[[_Func], list[Hit]]


# --------------------------------------------------------------------------- detectors


def _tokens(f: _Func) -> list[Hit]:
    m = f.mod
    hmac_call = f.first_call("hmac.new", "hmac.digest", "hmac.HMAC")
    own = f.mod.source.module.split(".", 1)[0]
    libs = [lib for lib in (*v.JWT_LIBS, *v.SIGNING_LIBS) if lib.split(".", 1)[0] != own]
    lib_call = f.first_call(*(f"{lib}." for lib in libs))
    hash_call = f.first_call("hashlib.")
    keyed_hash = hash_call is not None and any(
        v.SECRET_WORDS.search(i) for i in identifiers(list(ast.walk(hash_call)))
    )
    site = hmac_call or lib_call or (hash_call if keyed_hash else None)
    if site is None:
        return []
    tokenish = m.token_words or m.jwt_lib or m.signing_lib or m.alg_header or m.signer_names
    if not tokenish:
        return []
    scenarios = [S.AUTH_WRONG_KEY.value]
    if m.jwt_lib or m.alg_header:
        scenarios.append(S.AUTH_ALG_NONE.value)
    if m.expiry_words:
        scenarios.append(S.AUTH_EXPIRED_REPLAY.value)
    what = "a JWT library" if lib_call is not None and m.jwt_lib else "a keyed MAC"
    reason = f"signs or verifies tokens with {what} ({_short(call_name(site, m.aliases))})"
    return [("signs-tokens", site.lineno, tuple(scenarios), reason, None)]


def _short(name: str) -> str:
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] if "." in name else name


def _signatures(f: _Func) -> list[Hit]:
    cmp_call = f.first_call("hmac.compare_digest", "secrets.compare_digest")
    line: int | None = cmp_call.lineno if cmp_call is not None else None
    reason = "checks a signature with compare_digest"
    if line is None and f.first_call("hmac.new", "hmac.digest", "hmac.HMAC"):
        for n in f.nodes:
            if isinstance(n, ast.Compare) and any(
                isinstance(o, (ast.Eq, ast.NotEq)) for o in n.ops
            ):
                names = identifiers([*ast.walk(n)])
                if any(v.SIG_WORDS.search(i) for i in names):
                    line = n.lineno
                    reason = "compares a computed HMAC signature with =="
                    break
    if line is None:
        return []
    return [("verifies-signature", line, (S.FORGED_SIGNATURE.value,), reason, None)]


def _tainted(f: _Func) -> set[str]:
    """Parameters plus the locals assigned from them (in source order)."""
    names = set(f.params)
    assigns = sorted(
        (n for n in f.nodes if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for node in assigns:
        if node.value is None or not _uses_param(node.value, names):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _reads_file(expr: ast.AST, tainted: Iterable[str] = ()) -> bool:
    """Does ``expr`` read one of the program's files? ``stream.read()`` on a stream the
    caller passed in (a name in ``tainted``) reads the caller's data, not a file."""
    callers = set(tainted)
    for n in ast.walk(expr):
        if not isinstance(n, ast.Call):
            continue
        if isinstance(n.func, ast.Name) and n.func.id == "open":
            return True
        if isinstance(n.func, ast.Attribute) and n.func.attr in v.FILE_READS:
            receiver = n.func.value
            if not (isinstance(receiver, ast.Name) and receiver.id in callers):
                return True
    return False


def _returned_directly(f: _Func, call: ast.Call) -> bool:
    return any(isinstance(n, ast.Return) and n.value is call for n in f.nodes)


def _parsers(f: _Func) -> list[Hit]:
    tainted = _tainted(f)
    for name, call in f.calls:
        label = v.PARSE_CALLS.get(name)
        if label is None and name.endswith(".from_bytes") and name.split(".")[0] == "int":
            label = "int.from_bytes"
        if label is None:
            continue
        # struct.unpack(fmt, data): the data is the second argument.
        data = call.args[1:2] if label.startswith("struct.") else call.args[:1]
        if not data or not _uses_param(data[0], tainted):
            continue
        if _reads_file(data[0], tainted):
            continue  # the program's own files, not untrusted input
        severity = (
            Severity.HIGH if label in ("pickle.loads", "marshal.loads", "yaml.load") else None
        )
        if severity is None and _returned_directly(f, call):
            continue  # a thin wrapper: the parsed value is interpreted elsewhere
        reason = f"parses caller-supplied input with {label}"
        return [("parses-untrusted", call.lineno, (S.FUZZ_PARSER.value,), reason, severity)]
    name = f.node.name.lower()
    raw = [p for p in f.params if v.RAW_PARAM.match(p.lower())]
    annotated = [
        a.arg
        for a in (*f.node.args.args, *f.node.args.posonlyargs)
        if a.annotation is not None
        and any(
            isinstance(n, ast.Name) and n.id in ("bytes", "bytearray", "memoryview")
            for n in ast.walk(a.annotation)
        )
    ]
    if v.PARSER_NAME.match(name) and (raw or annotated):
        target = set(raw or annotated)
        slices = any(
            isinstance(n, ast.Subscript) and _uses_param(n.value, target) for n in f.nodes
        ) or any(
            isinstance(call.func, ast.Attribute)
            and call.func.attr in ("split", "partition", "find", "index", "startswith", "decode")
            and _uses_param(call.func.value, target)
            for _, call in f.calls
        )
        if slices:
            reason = f"{f.node.name}() takes apart raw input ({', '.join(sorted(target))})"
            return [("parses-untrusted", f.node.lineno, (S.FUZZ_PARSER.value,), reason, None)]
    return []


def _persistence(f: _Func) -> list[Hit]:
    names = f.call_names()
    hits: list[Hit] = []
    scenarios = (S.HARD_KILL.value, S.DISK_FULL.value)
    sync = f.first_call("os.fsync", "os.fdatasync")
    db = f.first_call(*v.DB_CALLS)
    rename = f.first_call("os.replace", "os.rename")
    writes = any(
        n.endswith((".write", ".write_bytes", ".write_text", ".dump")) for n in names
    ) or any(name in ("open", "io.open", "os.open") for name in names)
    if sync is not None:
        hits.append(("persists-data", sync.lineno, scenarios, "writes with fsync", None))
    elif rename is not None and writes:
        hits.append(
            ("persists-data", rename.lineno, scenarios, "writes a file then renames it", None)
        )
    elif db is not None:
        label = _short(call_name(db, f.mod.aliases))
        hits.append(("persists-data", db.lineno, scenarios, f"stores data with {label}", None))
    return hits


def _rollback(f: _Func) -> list[Hit]:
    for name, call in f.calls:
        last = name.rsplit(".", 1)[-1].lower()
        if v.ROLLBACK_WORDS.search(last) and (
            name.endswith(".rollback") or _in_except(f.node, call)
        ):
            reason = f"rolls back with {last}() when a step fails"
            return [("rolls-back", call.lineno, (S.ROLLBACK_FAILURE.value,), reason, None)]
    return []


def _in_except(func: FuncNode, target: ast.AST) -> bool:
    for node in own_nodes(func):
        if isinstance(node, ast.ExceptHandler) and any(n is target for n in ast.walk(node)):
            return True
        if isinstance(node, ast.Try) and any(
            n is target for stmt in node.finalbody for n in ast.walk(stmt)
        ):
            return True
    return False


def _network(f: _Func) -> list[Hit]:
    call = f.first_call(*v.NET_CALLS)
    if call is None:
        return []
    label = _short(call_name(call, f.mod.aliases))
    reason = f"talks over the network ({label})"
    return [("uses-network", call.lineno, (S.NETWORK_PARTITION.value,), reason, None)]


def _queue(f: _Func) -> list[Hit]:
    call = f.first_call(*(f"{lib}." for lib in v.QUEUE_LIBS))
    if call is None:
        return []
    label = _short(call_name(call, f.mod.aliases))
    reason = f"consumes or publishes messages ({label}), delivered at least once"
    return [("uses-queue", call.lineno, (S.DUPLICATE_DELIVERY.value,), reason, None)]


def _assigned_lists(f: _Func) -> dict[str, ast.List | ast.Tuple]:
    out: dict[str, ast.List | ast.Tuple] = {}
    for node in f.nodes:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.List, ast.Tuple)):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value
    return out


def _shell_argv(cmd: ast.AST) -> str | None:
    """``sh -c <data>`` or ``ssh host <data>`` in an argv list: the shell that runs data."""
    if not isinstance(cmd, (ast.List, ast.Tuple)):
        return None
    elts = cmd.elts
    words = [e.value if isinstance(e, ast.Constant) else None for e in elts]
    for i, word in enumerate(words[:-2]):
        if (
            str(word) in v.SHELLS
            and words[i + 1] in ("-c", "/c", "-Command")
            and not _is_literal(elts[i + 2])
        ):
            return f"{word!s} -c"
    if words and words[0] == "ssh" and any(w is None for w in words[2:]):
        return "ssh (the remote shell parses the command)"
    return None


def _subprocess(f: _Func) -> list[Hit]:
    lists = _assigned_lists(f)
    for name, call in f.calls:
        cmd = call.args[0] if call.args else None
        for kw in call.keywords:
            if kw.arg in ("args", "cmd", "command") and cmd is None:
                cmd = kw.value
        if isinstance(cmd, ast.Name) and cmd.id in lists:
            cmd = lists[cmd.id]
        if cmd is None or _is_literal(cmd):
            continue
        shell_kw = next((kw for kw in call.keywords if kw.arg == "shell"), None)
        shell = shell_kw is not None and not (
            isinstance(shell_kw.value, ast.Constant) and not shell_kw.value.value
        )
        if name in v.SHELL_CALLS or (name in v.SUBPROCESS and shell):
            how = "shell=True" if name in v.SUBPROCESS else name
            reason = f"runs a command built from data through the shell ({how})"
            return [("runs-shell", call.lineno, (S.COMMAND_INJECTION.value,), reason, None)]
        via = _shell_argv(cmd) if name in v.SUBPROCESS or name.startswith("asyncio.") else None
        if via:
            reason = f"runs a command built from data through {via}"
            return [("runs-shell", call.lineno, (S.COMMAND_INJECTION.value,), reason, None)]
    return []


def _rate_limit(f: _Func) -> list[Hit]:
    words = [f.node.name.lower(), (f.cls or "").lower()]
    if any(v.RATE_WORDS.search(w) for w in words) and f.has_compare():
        reason = "enforces a rate limit"
        return [("rate-limits", f.node.lineno, (S.RATE_LIMIT_BOUNDARY.value,), reason, None)]
    return []


def _lease(f: _Func) -> list[Hit]:
    lockfile = f.first_call("fcntl.flock", "fcntl.lockf")
    owner = (f.cls or "") + " " + f.node.name + " " + f.mod.source.module
    named = v.LEASE_FUNC.match(f.node.name.lower()) and v.LEASE_WORDS.search(owner.lower())
    if lockfile is None and not named:
        return []
    if named and not (
        f.has_compare(ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.Is, ast.IsNot)
        or any(isinstance(n, (ast.Assign, ast.AugAssign)) for n in f.nodes)
    ):
        return []
    scenarios = [S.CONCURRENT_LEASE.value]
    if any(v.EXPIRY_WORDS.search(i) or i in ("timeout", "duration") for i in f.idents) or (
        f.call_names() & (v.WALL_CLOCK | v.MONOTONIC)
    ):
        scenarios.append(S.LEASE_EXPIRY.value)
    line = lockfile.lineno if lockfile is not None else f.node.lineno
    reason = "takes an exclusive file lock" if lockfile is not None else "acquires a lease or lock"
    return [("leases", line, tuple(scenarios), reason, None)]


def _tenant(f: _Func) -> list[Hit]:
    tenant = [p for p in f.params if v.TENANT_PARAM.match(p.lower())]
    if not tenant:
        return []
    used = [
        n
        for n in f.nodes
        if isinstance(n, (ast.Compare, ast.Subscript, ast.Call, ast.JoinedStr, ast.Dict))
        and _uses_param(n, tenant)
    ]
    if not used:
        return []
    reason = f"scopes data by {tenant[0]}"
    return [("tenant-scoped", f.node.lineno, (S.CROSS_TENANT_ACCESS.value,), reason, None)]


def _dedup(f: _Func) -> list[Hit]:
    words = {i for i in f.idents if v.DEDUP_WORDS.search(i)}
    if not words:
        return []
    membership = f.has_compare(ast.In, ast.NotIn) or any(
        name.endswith((".add", ".setdefault", ".get")) for name in f.call_names()
    )
    if not membership:
        return []
    reason = f"deduplicates deliveries by {sorted(words)[0]}"
    return [("deduplicates", f.node.lineno, (S.DUPLICATE_DELIVERY.value,), reason, None)]


def _retries(f: _Func) -> list[Hit]:
    named = v.RETRY_WORDS.search(f.node.name.lower()) is not None
    for node in f.nodes:
        if not isinstance(node, (ast.For, ast.While)):
            continue
        target = node.target if isinstance(node, ast.For) else node.test
        counter = any(
            isinstance(n, ast.Name) and v.RETRY_WORDS.search(n.id.lower()) for n in ast.walk(target)
        )
        if (named or counter) and any(isinstance(n, ast.Try) for n in ast.walk(node)):
            reason = "retries a failed step (a retry after a lost acknowledgement repeats the work)"
            return [("retries", node.lineno, (S.DUPLICATE_DELIVERY.value,), reason, Severity.LOW)]
    return []


def _clock_names(f: _Func) -> set[str]:
    """Locals assigned from a wall-clock call (``now = time.time()``)."""
    names: set[str] = set()
    for node in f.nodes:
        if isinstance(node, ast.Assign) and any(
            isinstance(n, ast.Call) and call_name(n, f.mod.aliases) in v.WALL_CLOCK
            for n in ast.walk(node.value)
        ):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _expiry(f: _Func) -> list[Hit]:
    """A comparison of an expiry value or a wall-clock reading, in a module that reads it."""
    if not f.mod.wall_clock:
        return []
    clock_names = _clock_names(f)
    for node in f.nodes:
        if not isinstance(node, ast.Compare) or not any(
            isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops
        ):
            continue
        sides = [node.left, *node.comparators]
        if any(
            isinstance(side, ast.Constant)
            or (isinstance(side, ast.UnaryOp) and isinstance(side.operand, ast.Constant))
            for side in sides
        ):
            continue  # `max_age > 0` is a sanity check, not an expiry decision
        inner = list(ast.walk(node))
        words = sorted(
            i for i in identifiers(inner) | _word_strings(inner) if v.EXPIRY_WORDS.search(i)
        )
        clocked = any(
            isinstance(n, ast.Call) and call_name(n, f.mod.aliases) in v.WALL_CLOCK for n in inner
        ) or any(isinstance(n, ast.Name) and n.id in clock_names for n in inner)
        if words or clocked:
            what = repr(words[0]) if words else "an expiry"
            reason = f"checks {what} against the wall clock"
            return [("expires-by-time", f.node.lineno, (S.CLOCK_SKEW.value,), reason, None)]
    return []


DETECTORS: tuple[Detector, ...] = (
    _tokens,
    _signatures,
    _parsers,
    _persistence,
    _rollback,
    _network,
    _queue,
    _subprocess,
    _rate_limit,
    _lease,
    _tenant,
    _dedup,
    _retries,
    _expiry,
)


def _init_params(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for qual, node, cls in functions(tree):
        if cls and node.name == "__init__" and qual == f"{cls}.__init__":
            out[cls] = tuple(param_names(node))
    return out


def _public_methods(tree: ast.Module) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for qual, node, cls in functions(tree):
        if cls and qual == f"{cls}.{node.name}" and not node.name.startswith("_"):
            out.setdefault(cls, []).append((node.name, tuple(param_names(node))))
    return {cls: tuple(methods) for cls, methods in out.items()}


def detect(source: SourceFile) -> list[Site]:
    """Every capability site in one project module."""
    mod = _module_facts(source)
    inits = _init_params(source.tree)
    methods = _public_methods(source.tree)
    sites: list[Site] = []
    for qual, node, cls in functions(source.tree):
        nodes = list(own_nodes(node))
        calls = [(call_name(n, mod.aliases), n) for n in nodes if isinstance(n, ast.Call)]
        calls.sort(key=lambda c: (c[1].lineno, c[1].col_offset))
        idents = identifiers([node, *nodes]) | _word_strings(nodes)
        f = _Func(mod, qual, node, cls, nodes, calls, idents, param_names(node))
        for detector in DETECTORS:
            for kind, line, scenarios, reason, severity in detector(f):
                cap = Capability(
                    kind=kind,
                    path=source.path,
                    line=line,
                    symbol=f"{source.module}.{qual}",
                    scenarios=scenarios,
                    reason=reason,
                )
                sites.append(
                    Site(
                        capability=cap,
                        module=source.module,
                        qualname=qual,
                        cls=cls,
                        params=tuple(f.params),
                        init_params=inits.get(cls, ()) if cls else (),
                        severity=severity,
                        hints=("wall_clock",) if mod.wall_clock else (),
                        methods=methods.get(cls, ()) if cls else (),
                    )
                )
    sites += _server_classes(source, mod, inits, methods)
    return sites


def _server_classes(
    source: SourceFile,
    mod: _ModuleFacts,
    inits: dict[str, tuple[str, ...]],
    methods: dict[str, tuple[tuple[str, tuple[str, ...]], ...]],
) -> list[Site]:
    """Top-level classes that serve connections by inheritance (``class H(BaseRequestHandler)``)."""
    out = []
    for node in source.tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            name = dotted(base)
            full = resolve(name, mod.aliases) if name else ""
            if full and full.startswith(v.SERVER_BASES):
                cap = Capability(
                    kind="uses-network",
                    path=source.path,
                    line=node.lineno,
                    symbol=f"{source.module}.{node.name}",
                    scenarios=(S.NETWORK_PARTITION.value,),
                    reason=f"serves connections (subclass of {_short(full)})",
                )
                out.append(
                    Site(
                        cap,
                        source.module,
                        node.name,
                        None,
                        params=inits.get(node.name, ()),
                        methods=methods.get(node.name, ()),
                    )
                )
                break
    return out
