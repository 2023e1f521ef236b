"""Find a function in the warm process and swap its code for a mutant's.

Part of the ``testvet_mutate`` plugin: the warm process indexes every function object
once (:class:`Index`), a :class:`Target` finds the live functions (and the closures and
nested code) of one project function and compiles a mutated ``def`` the way the
original was compiled, and a worker installs it. :class:`MutatedModule` serves the
mutated source to a test that reloads the module. Standalone: stdlib only.
"""

from __future__ import annotations
import __future__

import ast
import contextlib
import functools
import importlib.abc
import importlib.util
import inspect
import operator
import os
import types
from typing import Any

#: Every ``from __future__`` compiler flag.
_FUTURE_FLAGS: int = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)

_FLAGS = (
    inspect.CO_GENERATOR
    | inspect.CO_COROUTINE
    | inspect.CO_ASYNC_GENERATOR
    | inspect.CO_ITERABLE_COROUTINE
)


class SwapError(Exception):
    """The function cannot be swapped in memory; the message says why."""


def _code_matches(code: types.CodeType, filename: str, lines: set[int], name: str) -> bool:
    return (
        code.co_name == name
        and code.co_firstlineno in lines
        and os.path.realpath(code.co_filename) == filename
    )


def _candidates(obj: Any, depth: int = 0) -> list[Any]:
    """``obj`` and what decorators keep inside it (wrapped function, accessors, cells)."""
    found = [obj]
    if depth > 4:
        return found
    inner: list[Any] = []
    for attr in ("__func__", "fget", "fset", "fdel", "func", "__wrapped__"):
        try:
            value = getattr(obj, attr, None)
        except Exception:
            continue
        if value is not None and value is not obj:
            inner.append(value)
    closure = getattr(obj, "__closure__", None) if type(obj) is types.FunctionType else None
    for cell in closure or ():
        with contextlib.suppress(ValueError):
            if callable(cell.cell_contents):
                inner.append(cell.cell_contents)
    if not issubclass(type(obj), (type, types.ModuleType, types.FunctionType)):
        # A decorator's object that keeps the function as an attribute of its own
        # (click's ``Command.callback``).
        with contextlib.suppress(Exception):
            attrs = object.__getattribute__(obj, "__dict__")
            inner += [v for v in attrs.values() if type(v) is types.FunctionType]
    for value in inner:
        found += _candidates(value, depth + 1)
    return found


def _find_nested(code: types.CodeType, filename: str, lines: set[int], name: str) -> bool:
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and (
            _code_matches(const, filename, lines, name)
            or _find_nested(const, filename, lines, name)
        ):
            return True
    return False


def _code_named(code: types.CodeType, name: str, depth: int) -> types.CodeType | None:
    """The code object called ``name`` among ``code``'s constants, ``depth`` levels deep."""
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name and const.co_name != "__testvet_outer__":
                return const
            if depth > 0:
                inner = _code_named(const, name, depth - 1)
                if inner is not None:
                    return inner
    return None


def _replace_nested(code: types.CodeType, target: types.CodeType, new: types.CodeType) -> Any:
    consts = []
    changed = False
    for const in code.co_consts:
        if const is target:
            consts.append(new)
            changed = True
        elif isinstance(const, types.CodeType):
            replaced = _replace_nested(const, target, new)
            changed = changed or replaced is not const
            consts.append(replaced)
        else:
            consts.append(const)
    return code.replace(co_consts=tuple(consts)) if changed else code


class _NotFound(SwapError):
    """A name on the way to the target is not there."""


class Index:
    """Every live Python function by (file, first line, name) of its code, built once."""

    def __init__(self) -> None:
        import gc

        self.functions: dict[tuple[str, int, str], list[types.FunctionType]] = {}
        #: id of a nested code object -> the live functions whose code holds it (built
        #: here, before any fork: looking it up later touches no function)
        self.holders: dict[int, list[types.FunctionType]] = {}
        paths: dict[str, str] = {}
        for obj in gc.get_objects():
            if type(obj) is types.FunctionType:
                code = obj.__code__
                name = code.co_filename
                if name not in paths:
                    paths[name] = os.path.realpath(name)
                key = (paths[name], code.co_firstlineno, code.co_name)
                self.functions.setdefault(key, []).append(obj)
                for nested in _nested_codes(code):
                    self.holders.setdefault(id(nested), []).append(obj)

    def find(self, filename: str, lines: set[int], name: str) -> list[types.FunctionType]:
        found: list[types.FunctionType] = []
        for line in sorted(lines):
            found += self.functions.get((filename, line, name), [])
        return found

    def holding(self, code: types.CodeType) -> list[types.FunctionType]:
        """Live functions whose code holds ``code`` among its nested code objects."""
        return self.holders.get(id(code), [])


def _nested_codes(code: types.CodeType) -> list[types.CodeType]:
    """The code objects nested in ``code``, at any depth."""
    found = []
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found.append(const)
            found += _nested_codes(const)
    return found


class Target:
    """A function found in memory and how to put a new code object in place."""

    def __init__(self, spec: dict[str, Any], index: Index) -> None:
        self.filename = os.path.realpath(spec["path"])
        self.lines = {int(spec["line"]), int(spec["def_line"])}
        self.qualname: str = spec["qualname"]
        self.mangle: str | None = spec.get("mangle")
        self.module_name: str = spec["module"]
        self.def_line = int(spec["def_line"])
        self.end_line = int(spec.get("end_line") or 0)
        self.name = self.qualname.rsplit(".", 1)[-1]
        module = importlib.import_module(spec["module"])
        module_file = getattr(module, "__file__", None)
        if module_file and os.path.realpath(module_file) != self.filename:
            raise SwapError(
                f"the interpreter imports {spec['module']} from {module_file}, not from the "
                "project's source (an installed copy?)"
            )
        #: Outer function whose code holds the target's code (nested targets).
        self.holder: types.FunctionType | None = None
        #: Live function objects running the target's code.
        self.live: list[types.FunctionType] = []
        self.original: types.CodeType
        parts = self.qualname.split(".")
        try:
            if "<locals>" in parts:
                self._locate_nested(module, parts)
            else:
                self._locate(module, parts)
        except _NotFound:
            # Deleted where it was defined but alive under other names
            # (``__setitem__ = _refuse; del _refuse`` in a class body), or defined in a
            # function deleted after it ran (a class a factory built, as dateutil's gettz).
            if not self._adopt(index.find(self.filename, self.lines, self.name)):
                raise
        originals = {id(self.original)}
        self.live = [
            f
            for f in index.find(self.filename, self.lines, self.name)
            if id(f.__code__) in originals
        ] or self.live
        #: Nested targets: the live functions of the levels between the holder and the
        #: target (a closure built at import, ``plus_one = make_adder(1)``, holds the
        #: target's code it was made with).
        self.holders = self._closures(index)

    def _closures(self, index: Index) -> list[types.FunctionType]:
        if self.holder is None:
            return []
        return [f for f in index.holding(self.original) if f is not self.holder]

    def _walk(self, module: Any, parts: list[str]) -> Any:
        obj: Any = module
        for part in parts:
            names = [part]
            if issubclass(type(obj), type) and part.startswith("__") and not part.endswith("__"):
                names.insert(0, f"_{obj.__name__.lstrip('_')}{part}")  # a private method
            for name in names:
                try:
                    obj = inspect.getattr_static(obj, name)
                    break
                except AttributeError:
                    continue
            else:
                raise _NotFound(f"{part!r} not found when importing the module")
        return obj

    def _adopt(self, found: list[types.FunctionType]) -> bool:
        """Take ``found`` (the live functions with the target's code) as the target,
        when they all run one code object."""
        codes = {id(f.__code__) for f in found}
        if len(codes) != 1:
            return False
        self.live = found
        self.original = found[0].__code__
        return True

    def _locate(self, module: Any, parts: list[str]) -> None:
        obj = self._walk(module, parts)
        candidates = _candidates(obj)
        for candidate in candidates:
            if type(candidate) is types.FunctionType and _code_matches(
                candidate.__code__, self.filename, self.lines, self.name
            ):
                self.live = [candidate]
                self.original = candidate.__code__
                return
        if not any(type(c) is types.FunctionType for c in candidates):
            owner = getattr(obj, "__module__", None)
            if type(obj) is types.BuiltinFunctionType and owner != self.module_name:
                # ``from os import getuid`` in the other branch of ``if sys.platform ==``:
                # the run reached the def in a module a test imported again.
                raise SwapError(
                    f"the name is bound to {owner}.{obj.__name__} in memory, not to this "
                    "def: it did not run when the module was imported (a branch not "
                    "taken, or the name bound again later)"
                )
            raise SwapError(
                f"not a Python function in memory ({type(obj).__name__}: C extension, "
                "builtin or a decorator that hides it)"
            )
        raise SwapError(
            "a decorator replaced it and does not expose the original (no __wrapped__, "
            "not in the wrapper's closure)"
        )

    def _locate_nested(self, module: Any, parts: list[str]) -> None:
        cut = parts.index("<locals>")
        outer = self._walk(module, parts[:cut])
        for candidate in _candidates(outer):
            if type(candidate) is types.FunctionType and _find_nested(
                candidate.__code__, self.filename, self.lines, self.name
            ):
                self.holder = candidate
                self.original = self._nested_code(candidate.__code__)
                return
        raise SwapError("nested function whose enclosing function cannot be found in memory")

    def _nested_code(self, code: types.CodeType) -> types.CodeType:
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                if _code_matches(const, self.filename, self.lines, self.name):
                    return const
                with contextlib.suppress(SwapError):
                    return self._nested_code(const)
        raise SwapError("nested code object not found")

    def compile(self, source: str, def_line: int) -> types.CodeType:
        """Compile the mutated ``def`` (original indentation) into a compatible code object."""
        code = self._compile_text(source, def_line) or self._compile_ast(source, def_line)
        kind, wanted = code.co_flags & _FLAGS, self.original.co_flags & _FLAGS
        if kind | inspect.CO_ITERABLE_COROUTINE == wanted:
            # ``@types.coroutine`` marked the generator's code in memory; the source
            # does not say so: the mutant gets the same mark.
            code = code.replace(co_flags=code.co_flags | inspect.CO_ITERABLE_COROUTINE)
        elif kind != wanted:
            raise SwapError("the mutant changes the generator/coroutine kind")
        return code

    def _compile_text(self, source: str, def_line: int) -> types.CodeType | None:
        """The fast way: the source as it is, behind a few header lines (the wrapper of
        ``_compile_ast``) and blank lines so the ``def`` keeps its line. None when it does
        not apply (tabs, too little indentation or room, the closure differs)."""
        freevars = self.original.co_freevars
        indent = len(source) - len(source.lstrip(" "))
        if source[indent : indent + 1] == "\t":
            return None
        header: list[str] = []
        if freevars or self.mangle:
            if indent < 2:
                return None
            header.append("def __testvet_outer__():")
            if self.mangle and self.mangle not in freevars:
                header.append(f" global {self.mangle}")
            if freevars:
                header.append(" " + " = ".join(freevars) + " = None")
            if self.mangle:
                header.append(f" class {self.mangle}:")
        elif indent:
            header.append("if 1:")
        pad = def_line - 1 - len(header)
        if pad < 0:
            return None
        text = "".join(line + "\n" for line in header) + "\n" * pad + source
        try:
            module = compile(text, self.original.co_filename, "exec", self._future, True)
        except (SyntaxError, ValueError):
            return None  # the slow way reports it
        found = _code_named(module, self.original.co_name, depth=3)
        if found is None or found.co_freevars != freevars or found.co_firstlineno != def_line:
            return None
        return found

    @property
    def _future(self) -> int:
        """The original module's ``from __future__`` flags (not this plugin's)."""
        return int(self.original.co_flags) & _FUTURE_FLAGS

    def _compile_ast(self, source: str, def_line: int) -> types.CodeType:
        tree = ast.parse("if 1:\n" + source if source[:1] in " \t" else source)
        node = tree.body[0]
        if isinstance(node, ast.If):
            node = node.body[0]
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise SwapError("mutated source is not a function definition")
        node.decorator_list = []
        ast.increment_lineno(node, def_line - node.lineno)
        freevars = self.original.co_freevars
        code = self._compile_wrapped(node, freevars)
        if set(code.co_freevars) - set(freevars):
            raise SwapError("the mutant needs variables the closure does not have")
        if code.co_freevars != freevars:
            ref = ast.parse(f"if 0:\n    ({', '.join(freevars)},)").body[0]
            ast.increment_lineno(ref, node.end_lineno or def_line)
            node.body.append(ref)
            code = self._compile_wrapped(node, freevars)
        if code.co_freevars != freevars:
            raise SwapError(f"closure cells differ: {code.co_freevars} != {freevars}")
        return code

    def _compile_wrapped(self, node: ast.stmt, freevars: tuple[str, ...]) -> types.CodeType:
        body: list[ast.stmt] = []
        if self.mangle and self.mangle not in freevars:
            # The class statement below must not turn the class's name into a closure
            # variable of the method: in the original it is a global (``Cache.attr``).
            body.append(ast.Global(names=[self.mangle]))
        for name in freevars:
            assign = ast.Assign(targets=[ast.Name(name, ast.Store())], value=ast.Constant(None))
            body.append(assign)
        if self.mangle:
            # Compiled inside a class of the same name, so private names mangle as before.
            node = ast.ClassDef(
                name=self.mangle, bases=[], keywords=[], body=[node], decorator_list=[]
            )
        body.append(node)
        outer = ast.FunctionDef(
            name="__testvet_outer__",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=body,
            decorator_list=[],
            returns=None,
        )
        module = ast.Module(body=[outer], type_ignores=[])
        for item in ast.walk(module):
            if "lineno" in item._attributes and not hasattr(item, "lineno"):
                item.lineno = 1  # type: ignore[attr-defined]
        ast.fix_missing_locations(module)
        code = compile(module, self.original.co_filename, "exec", self._future, True)
        found = _code_named(code, self.original.co_name, depth=3)
        if found is None:
            raise SwapError("the compiled mutant holds no function code")
        return found

    def install(self, code: types.CodeType) -> None:
        for holder in (self.holder, *self.holders):
            if holder is not None:
                holder.__code__ = _replace_nested(holder.__code__, self.original, code)
        for function in self.live:
            function.__code__ = code


def behaviour_key(code: types.CodeType) -> tuple[Any, ...]:
    """What decides a code object's behaviour, line numbers aside (nested code objects
    compare by identity through ``repr``, so functions holding them never match)."""
    return (
        code.co_code,
        repr(code.co_consts),
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_flags,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_exceptiontable if hasattr(code, "co_exceptiontable") else b"",
    )


class MutatedModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A worker's import hook for the mutated function's module: a test that reloads it
    (``importlib.reload``) or imports it afresh (after removing it from ``sys.modules``)
    gets new functions from the file, and here they are the mutant too — the module's
    source with the mutated def in place of the original."""

    def __init__(self, target: Target, source: str) -> None:
        self.name = target.module_name
        self.path = target.filename
        self.target = target
        self.source = source

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        package = os.path.basename(self.path) == "__init__.py"
        locations = [os.path.dirname(self.path)] if package else None
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=self, submodule_search_locations=locations
        )

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        with open(self.path, encoding="utf-8") as handle:
            lines = handle.read().splitlines(keepends=True)
        first, last = self.target.def_line, self.target.end_line
        text = "".join([*lines[: first - 1], self.source.rstrip("\n") + "\n", *lines[last:]])
        exec(compile(text, self.path, "exec", dont_inherit=True), module.__dict__)

    # Counted as importlib's frame by ``warnings`` (as the run's import hook is:
    # ``testvet_trace.IMPORT_FRAME``): an import-time ``warn(..., stacklevel=2)`` of the
    # module points at its importer.
    exec_module.__code__ = exec_module.__code__.replace(
        co_filename="<testvet: an importlib._bootstrap frame>"
    )
