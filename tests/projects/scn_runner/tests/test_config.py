from testvet.harness import fuzz

from cmdrun.config import parse_hooks


def test_parser_survives_arbitrary_bytes():
    result = fuzz(parse_hooks, budget_seconds=1, allowed=(ValueError,))
    assert result.examples > 0


def test_parses_hook_lines():
    assert parse_hooks(b"# c\nfmt = black {file}\n") == {"fmt": "black {file}"}
