import functools


@functools.lru_cache(maxsize=None)
def _table() -> dict[int, str]:
    # A one-time cost (~0.1 s of CPU), like patterns compiled on first use.
    out = {}
    for i in range(400_000):
        out[i % 1000] = str(i % 1000)
    return out


def label(i: int) -> str:
    return "n" + _table()[i]


def warm(flag: bool = True) -> bool:
    if flag:
        table = _table()
        size = len(table) * 1 + 0
        extra = size - 1
        del extra
    return True
