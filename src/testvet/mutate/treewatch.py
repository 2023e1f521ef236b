"""What changed in the project's tree while the mutants ran.

testvet writes nothing there, but a mutant can make a test write where the unmodified
code would not (a path computed wrong, relative to the working directory, which is the
project root). Such files are reported, never removed: the user may be editing the tree
during the audit, and deleting their work would be worse than leaving a stray file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from testvet.discover.layout import SKIP_DIRS

#: (size, modification time in ns) of each file, by path relative to the root.
Snapshot = Mapping[str, tuple[int, int]]

#: Files named in a note at most; the rest are counted.
SHOWN = 10


def files(top: Path, skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Every file under ``top``, in a stable order, outside hidden, bytecode and build
    directories and ``skip`` (the audit's own output)."""
    skipped = {p.resolve() for p in skip}
    for here, subdirs, names in os.walk(top.resolve()):
        where = Path(here)
        subdirs[:] = sorted(
            d
            for d in subdirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and d != "__pycache__"
            and (where / d) not in skipped
        )
        for name in sorted(names):
            yield where / name


def snapshot(root: Path, skip: Iterable[Path] = ()) -> Snapshot:
    """Size and mtime of every file under ``root`` (see :func:`files`)."""
    base = root.resolve()
    found: dict[str, tuple[int, int]] = {}
    for path in files(base, skip):
        try:
            st = path.lstat()
        except OSError:
            continue
        found[path.relative_to(base).as_posix()] = (st.st_size, st.st_mtime_ns)
    return found


def entries(root: Path, skip: Iterable[Path] = ()) -> Snapshot:
    """:func:`snapshot`, and the mtime of every directory it walks (as ``dir/``): a file
    created and removed again in between still changes its directory's mtime."""
    base = root.resolve()
    found = dict(snapshot(base, skip))
    directories = {Path(".")}
    for rel in list(found):
        parent = Path(rel).parent
        directories.update((parent, *parent.parents))
    for directory in directories:
        try:
            mtime = (base / directory).lstat().st_mtime_ns
        except OSError:
            continue
        found[f"{directory.as_posix()}/"] = (0, mtime)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """``created x``, ``modified y``, ``deleted z``, sorted by path."""
    out = []
    for rel in sorted(set(before) | set(after)):
        if rel not in before:
            out.append(f"created {rel}")
        elif rel not in after:
            out.append(f"deleted {rel}")
        elif before[rel] != after[rel]:
            out.append(f"modified {rel}")
    return out


def note(changed: list[str]) -> str | None:
    """One sentence for the reports, None when nothing changed."""
    if not changed:
        return None
    shown = "; ".join(changed[:SHOWN])
    more = f"; and {len(changed) - SHOWN} more" if len(changed) > SHOWN else ""
    return (
        "while the mutants ran, files in the project changed (testvet writes nothing there: "
        "a mutant made a test write outside its temporary directory, or someone edited the "
        f"tree; testvet leaves them as they are): {shown}{more}"
    )
