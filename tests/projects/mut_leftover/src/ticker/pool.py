from concurrent.futures import ThreadPoolExecutor

_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """The module's thread pool, started when first needed and never shut down: its
    idle thread is stopped by Python's exit (``concurrent.futures`` sees to that)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pool")
    return _POOL


def double(n: int) -> int:
    return n * 2


def doubled_on_the_pool(n: int) -> int:
    return _pool().submit(double, n).result()
