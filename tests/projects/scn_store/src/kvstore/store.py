"""An append-only log of records, fsynced on every put, compacted by atomic rename."""

from __future__ import annotations

import os
import struct
from pathlib import Path

_HEADER = struct.Struct(">II")


def encode_record(key: str, value: str) -> bytes:
    k, v = key.encode(), value.encode()
    return _HEADER.pack(len(k), len(v)) + k + v


def decode_records(data: bytes) -> dict[str, str]:
    """Replay a log; a torn tail (from a crash) is ignored."""
    out: dict[str, str] = {}
    pos = 0
    while pos + _HEADER.size <= len(data):
        klen, vlen = _HEADER.unpack_from(data, pos)
        end = pos + _HEADER.size + klen + vlen
        if end > len(data):
            break
        key = data[pos + _HEADER.size : pos + _HEADER.size + klen].decode()
        out[key] = data[pos + _HEADER.size + klen : end].decode()
        pos = end
    return out


class Store:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._data = decode_records(self.path.read_bytes()) if self.path.exists() else {}

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def put(self, key: str, value: str) -> None:
        with open(self.path, "ab") as fh:
            fh.write(encode_record(key, value))
            fh.flush()
            os.fsync(fh.fileno())
        self._data[key] = value

    def compact(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            for key, value in sorted(self._data.items()):
                fh.write(encode_record(key, value))
            fh.flush()
        os.replace(tmp, self.path)
