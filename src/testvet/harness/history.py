"""A Jepsen-style operation history and the set and queue checkers that judge it.

Each client operation is recorded twice: an ``invoke`` when it starts and a completion
when it ends — ``ok`` (it happened), ``fail`` (it certainly did not happen) or ``info``
(unknown: the connection died, the process was killed). The checkers compare what was
acknowledged with what a final read finds.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from testvet.harness import realtime

OpType = Literal["invoke", "ok", "fail", "info"]

#: How many values a failure message lists before eliding the rest.
_SHOWN = 10


@dataclass(frozen=True)
class Op:
    """One event of a history."""

    #: Position in the history (0-based).
    index: int
    #: The client (thread, connection…) that performed the operation.
    process: Hashable
    #: ``invoke`` when it starts; ``ok``, ``fail`` or ``info`` when it completes.
    type: OpType
    #: The operation, e.g. ``"add"``, ``"read"``, ``"enqueue"``, ``"dequeue"``.
    f: str
    #: The operation's argument (invoke) or result (ok of a read or dequeue).
    value: Any
    #: ``realtime.monotonic()`` when the event was recorded.
    time: float
    #: Index of the invoke this completion belongs to (None for an invoke).
    invoke_index: int | None = None
    #: Why a ``fail`` or ``info`` completion happened.
    error: str | None = None


class History:
    """A thread-safe, append-only list of :class:`Op` events."""

    def __init__(self) -> None:
        self._ops: list[Op] = []
        self._open: set[int] = set()
        self._lock = threading.Lock()

    def _append(self, **fields: Any) -> Op:
        with self._lock:
            op = Op(index=len(self._ops), time=realtime.monotonic(), **fields)
            self._ops.append(op)
            return op

    def invoke(self, process: Hashable, f: str, value: Any = None) -> Op:
        """Record the start of an operation; pass the returned op to ok/fail/info."""
        op = self._append(process=process, type="invoke", f=f, value=value)
        with self._lock:
            self._open.add(op.index)
        return op

    def _complete(self, invoke: Op, kind: OpType, value: Any, error: str | None) -> Op:
        with self._lock:
            if invoke.type != "invoke" or invoke.index not in self._open:
                raise ValueError(f"op {invoke.index} is not an open invocation")
            self._open.discard(invoke.index)
        return self._append(
            process=invoke.process,
            type=kind,
            f=invoke.f,
            value=value,
            invoke_index=invoke.index,
            error=error,
        )

    def ok(self, invoke: Op, value: Any = None) -> Op:
        """The operation happened; ``value`` is its result (defaults to the invoke's)."""
        return self._complete(invoke, "ok", invoke.value if value is None else value, None)

    def fail(self, invoke: Op, error: object = None) -> Op:
        """The operation certainly did not happen."""
        return self._complete(invoke, "fail", invoke.value, None if error is None else str(error))

    def info(self, invoke: Op, error: object = None) -> Op:
        """The outcome is unknown (timeout, reset, crash)."""
        return self._complete(invoke, "info", invoke.value, None if error is None else str(error))

    @contextmanager
    def record(
        self,
        process: Hashable,
        f: str,
        value: Any = None,
        *,
        fail_on: tuple[type[BaseException], ...] = (ConnectionRefusedError,),
        info_on: tuple[type[BaseException], ...] = (OSError, EOFError, TimeoutError),
    ) -> Iterator[list[Any]]:
        """Record one operation around a block; append a result to the yielded list.

        The block completing is ``ok`` (with the result appended, if any). An exception
        in ``fail_on`` is a ``fail``; one in ``info_on`` is ``info``; both are swallowed.
        Anything else is recorded as ``info`` and re-raised.
        """
        op = self.invoke(process, f, value)
        result: list[Any] = []
        try:
            yield result
        except fail_on as exc:
            self.fail(op, exc)
        except info_on as exc:
            self.info(op, exc)
        except BaseException as exc:
            self.info(op, exc)
            raise
        else:
            self.ok(op, result[-1] if result else None)

    @property
    def ops(self) -> tuple[Op, ...]:
        """Every event so far, in order."""
        with self._lock:
            return tuple(self._ops)

    def __len__(self) -> int:
        with self._lock:
            return len(self._ops)

    def outcomes(self, f: str) -> list[tuple[Op, Op | None]]:
        """Each invocation of ``f`` with its completion (None when it never completed)."""
        ops = self.ops
        completion: dict[int, Op] = {
            op.invoke_index: op for op in ops if op.invoke_index is not None
        }
        return [(op, completion.get(op.index)) for op in ops if op.type == "invoke" and op.f == f]


def _sorted(values: Iterable[Any]) -> tuple[Any, ...]:
    items = list(values)
    try:
        return tuple(sorted(items))
    except TypeError:
        return tuple(sorted(items, key=repr))


def _show(values: tuple[Any, ...]) -> str:
    shown = ", ".join(repr(v) for v in values[:_SHOWN])
    more = f", … {len(values) - _SHOWN} more" if len(values) > _SHOWN else ""
    return f"[{shown}{more}]"


def _verdict(head: str, problems: list[str]) -> str:
    found = "; ".join(p for p in problems if p)
    return f"{head}: {found}" if found else f"{head}: valid"


class _Checked:
    """What both checker results share: ``message``, ``str()`` and ``assert_ok()``."""

    ok: bool

    @property
    def message(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.message

    def assert_ok(self) -> None:
        """Raise ``AssertionError`` with :attr:`message` unless the history is valid."""
        if not self.ok:
            raise AssertionError(self.message)


@dataclass(frozen=True)
class SetResult(_Checked):
    """The verdict of :func:`check_set`."""

    #: True when nothing acknowledged was lost and nothing unexpected was read.
    ok: bool
    #: How many adds were invoked.
    attempted: int
    #: How many adds were acknowledged (``ok``).
    acknowledged: int
    #: How many adds ended ``info`` or never completed.
    indeterminate: int
    #: Acknowledged values missing from the final read.
    lost: tuple[Any, ...] = ()
    #: Values in the final read that no add ever attempted.
    unexpected: tuple[Any, ...] = ()
    #: Values read more than once.
    duplicates: tuple[Any, ...] = ()
    #: Values whose add definitely failed but which were read anyway.
    failed_present: tuple[Any, ...] = ()
    #: Indeterminate adds that turned out to have happened (not an error).
    recovered: tuple[Any, ...] = ()
    #: How many values the final read returned.
    read_count: int = 0

    @property
    def message(self) -> str:
        """One paragraph explaining the verdict."""
        head = (
            f"set: {self.attempted} adds attempted, {self.acknowledged} acknowledged, "
            f"{self.indeterminate} indeterminate, {self.read_count} read back"
        )
        problems = [
            f"LOST {len(self.lost)} acknowledged {_show(self.lost)}" if self.lost else "",
            f"UNEXPECTED {len(self.unexpected)} {_show(self.unexpected)}"
            if self.unexpected
            else "",
            f"DUPLICATED {len(self.duplicates)} {_show(self.duplicates)}"
            if self.duplicates
            else "",
            f"FAILED-BUT-PRESENT {len(self.failed_present)} {_show(self.failed_present)}"
            if self.failed_present
            else "",
        ]
        return _verdict(head, problems)


def _final_read(history: History, f: str) -> list[Any] | None:
    reads = [done for _, done in history.outcomes(f) if done is not None and done.type == "ok"]
    return list(reads[-1].value) if reads else None


def check_set(
    history: History, final: Iterable[Any] | None = None, *, add: str = "add", read: str = "read"
) -> SetResult:
    """Judge a set history: every acknowledged add must be in the final read.

    ``final`` is the complete read after recovery (a list, so duplicates show); without
    it the last ``ok`` ``read`` op of the history is used.
    """
    values = list(final) if final is not None else _final_read(history, read)
    if values is None:
        raise ValueError(f"check_set: no final read given and no ok {read!r} op in the history")
    attempted: set[Any] = set()
    acked: set[Any] = set()
    failed: set[Any] = set()
    indeterminate: set[Any] = set()
    outcomes = history.outcomes(add)
    for invoke, done in outcomes:
        attempted.add(invoke.value)
        if done is None or done.type == "info":
            indeterminate.add(invoke.value)
        elif done.type == "ok":
            acked.add(invoke.value)
        else:
            failed.add(invoke.value)
    counts = Counter(values)
    read_set = set(counts)
    lost = _sorted(acked - read_set)
    unexpected = _sorted(read_set - attempted)
    duplicates = _sorted(v for v, n in counts.items() if n > 1)
    failed_present = _sorted((failed & read_set) - acked - indeterminate)
    return SetResult(
        ok=not (lost or unexpected or duplicates or failed_present),
        attempted=len(outcomes),
        acknowledged=sum(1 for _, d in outcomes if d is not None and d.type == "ok"),
        indeterminate=sum(1 for _, d in outcomes if d is None or d.type == "info"),
        lost=lost,
        unexpected=unexpected,
        duplicates=duplicates,
        failed_present=failed_present,
        recovered=_sorted((indeterminate - acked) & read_set),
        read_count=len(values),
    )


@dataclass(frozen=True)
class QueueResult(_Checked):
    """The verdict of :func:`check_queue`."""

    #: True when nothing acknowledged was lost, duplicated or made up.
    ok: bool
    #: How many enqueues were invoked.
    attempted: int
    #: How many enqueues were acknowledged.
    acknowledged: int
    #: How many values came out (dequeues plus the final drain).
    dequeued: int
    #: Acknowledged values that never came out.
    lost: tuple[Any, ...] = ()
    #: Values that came out more often than they were enqueued.
    duplicated: tuple[Any, ...] = ()
    #: Values that came out but were never enqueued (or whose enqueue failed).
    unexpected: tuple[Any, ...] = ()
    #: Dequeues whose outcome is unknown: each may explain one lost value.
    indeterminate_dequeues: int = 0
    #: Every value in the order it came out.
    order: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def message(self) -> str:
        """One paragraph explaining the verdict."""
        head = (
            f"queue: {self.attempted} enqueues attempted, {self.acknowledged} acknowledged, "
            f"{self.dequeued} dequeued"
        )
        problems = [
            f"LOST {len(self.lost)} acknowledged {_show(self.lost)}"
            + (
                f" ({self.indeterminate_dequeues} dequeues of unknown outcome may explain some)"
                if self.indeterminate_dequeues
                else ""
            )
            if self.lost
            else "",
            f"DUPLICATED {len(self.duplicated)} {_show(self.duplicated)}"
            if self.duplicated
            else "",
            f"UNEXPECTED {len(self.unexpected)} {_show(self.unexpected)}"
            if self.unexpected
            else "",
        ]
        return _verdict(head, problems)


def check_queue(
    history: History,
    drained: Iterable[Any] = (),
    *,
    enqueue: str = "enqueue",
    dequeue: str = "dequeue",
) -> QueueResult:
    """Judge a queue history: each acknowledged enqueue comes out exactly once.

    ``drained`` holds the values read by draining the queue after recovery. Values are
    counted as a multiset, so enqueueing the same value twice expects it twice.
    """
    possible: Counter[Any] = Counter()
    acked: Counter[Any] = Counter()
    enqueues = history.outcomes(enqueue)
    for invoke, done in enqueues:
        if done is None or done.type != "fail":
            possible[invoke.value] += 1
        if done is not None and done.type == "ok":
            acked[invoke.value] += 1
    order: list[Any] = []
    unknown = 0
    for _, done in history.outcomes(dequeue):
        if done is None or done.type == "info":
            unknown += 1
        elif done.type == "ok" and done.value is not None:
            order.append(done.value)
    order.extend(drained)
    out = Counter(order)
    lost = _sorted(v for v, n in acked.items() if out[v] < n)
    unexpected = _sorted(v for v in out if possible[v] == 0)
    duplicated = _sorted(v for v, n in out.items() if possible[v] and n > possible[v])
    return QueueResult(
        ok=not (lost or duplicated or unexpected),
        attempted=len(enqueues),
        acknowledged=sum(acked.values()),
        dequeued=len(order),
        lost=lost,
        duplicated=duplicated,
        unexpected=unexpected,
        indeterminate_dequeues=unknown,
        order=tuple(order),
    )
