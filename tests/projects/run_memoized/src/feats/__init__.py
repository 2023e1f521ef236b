from functools import lru_cache


@lru_cache(maxsize=None)
def fast_path_works() -> bool:
    """Probed once per process (asttokens' ``fstring_positions_work``)."""
    return sum(range(10)) == 45


def render(text: str) -> str:
    return text.upper() if fast_path_works() else text.upper()


class Probe:
    @staticmethod
    @lru_cache(maxsize=None)
    def version() -> int:
        return len("abc")
