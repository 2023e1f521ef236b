def step(base: int = 1) -> int:
    return base + 1
