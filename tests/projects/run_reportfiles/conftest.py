"""Stands in for pytest-benchmark: a plugin that makes its storage directory in the
current directory at every session, unless its option points elsewhere."""

import os

import pytest


def pytest_addoption(parser):
    parser.addoption("--benchmark-storage", dest="benchmark_storage", default="file://./.benchmarks")


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    os.makedirs(config.option.benchmark_storage.removeprefix("file://"), exist_ok=True)
