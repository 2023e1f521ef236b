import re

_WORDS = "|".join(f"w{i}x{i * 7}y" for i in range(12000))
_PATTERN = None


def is_word(text):
    """Compiles its pattern on first use (~0.1 s), as marshmallow's URL validator does."""
    global _PATTERN
    if _PATTERN is None:
        _PATTERN = re.compile(f"^(?:{_WORDS})$")
    return bool(_PATTERN.match(text))


def describe(value):
    """No test checks what it returns: its mutants survive."""
    return f"value={value!r}"
