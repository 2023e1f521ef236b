import os


def warning(text: str) -> str:
    """A red label, unless the environment asks for no colour (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return text
    return f"\x1b[31m{text}\x1b[0m"
