"""Test cases from a table, every case of a block under the block's name: the items
share one node id (as docopt-ng's ``testcases.docopt`` do). pytest runs them all."""

import pytest

from verbs import classify


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".cases":
        return CasesFile.from_parent(parent, path=file_path)


class CasesFile(pytest.File):
    def collect(self):
        for line in self.path.read_text().splitlines():
            word, expected = line.split()
            yield CaseItem.from_parent(self, name="block(1)", word=word, expected=expected)


class CaseItem(pytest.Item):
    def __init__(self, *, word, expected, **kwargs):
        super().__init__(**kwargs)
        self.word, self.expected = word, expected

    def runtest(self):
        assert classify(self.word) == self.expected
