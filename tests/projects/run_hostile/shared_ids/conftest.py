"""Two cases under one node id; the second ends the test process."""

import os

import pytest


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".cases":
        return CasesFile.from_parent(parent, path=file_path)


class CasesFile(pytest.File):
    def collect(self):
        for word in self.path.read_text().split():
            yield CaseItem.from_parent(self, name="block(1)", word=word)


class CaseItem(pytest.Item):
    def __init__(self, *, word, **kwargs):
        super().__init__(**kwargs)
        self.word = word

    def runtest(self):
        if self.word == "exit":
            os._exit(3)
