from pathlib import Path


def save(path: Path, text: str) -> int:
    path.write_text(text)
    return len(text)


def count_words(text: str) -> int:
    return len(text.split())
