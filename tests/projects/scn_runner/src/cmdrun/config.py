"""Parses the hook file: ``name = template`` lines."""

from __future__ import annotations


def parse_hooks(data: bytes) -> dict[str, str]:
    hooks: dict[str, str] = {}
    for raw in data.split(b"\n"):
        line = raw.decode("utf-8").strip()
        if not line or line.startswith("#"):
            continue
        name, sep, template = line.partition("=")
        if not sep:
            raise ValueError(f"not a hook line: {line!r}")
        hooks[name.strip()] = template.strip()
    return hooks
