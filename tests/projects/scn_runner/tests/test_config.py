from testvet.harness import fuzz

from cmdrun.config import parse_hooks


def test_parser_survives_arbitrary_bytes():
    def target(data: bytes) -> None:
        try:
            parse_hooks(data)
        except (ValueError, UnicodeDecodeError):
            pass

    result = fuzz(target, budget_seconds=2)
    assert result.ok, result


def test_parses_hook_lines():
    assert parse_hooks(b"# c\nfmt = black {file}\n") == {"fmt": "black {file}"}
