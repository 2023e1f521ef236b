import unittest

from pkg import parse


class ParserChecks(unittest.TestCase):
    def test_parse_runs(self):  # expect: TV101
        parse("1")


class ParserBase(unittest.TestCase):
    def setUp(self):
        self.text = "1"


class NumberParsing(ParserBase):
    def test_number(self):  # expect: TV101
        parse(self.text)


class TestDisabledHelpers:
    __test__ = False

    def test_shape(self, text):
        parse(text)


class TestEnabled:
    def test_parse_runs(self):  # expect: TV101
        parse("1")
