import logging


def double(n: int) -> int:
    logging.getLogger("doubler").info("doubling %s", n)
    return n * 2
