import pytest


class CheckedParser:
    def parse(self, text):
        result = text.strip()
        assert result == text
        return result


@pytest.fixture
def checked_parser():
    parser = CheckedParser()
    yield parser
    assert parser is not None
