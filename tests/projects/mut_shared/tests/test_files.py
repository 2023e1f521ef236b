import shutil
import time
from pathlib import Path

import pytest

from wordfile import count_words, save

# A fixed scratch directory inside the tree (python-box's test/common.py).
SCRATCH = Path(__file__).parent / "scratch"


@pytest.fixture(autouse=True)
def scratch():
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir()
    yield
    shutil.rmtree(SCRATCH, ignore_errors=True)


@pytest.mark.parametrize("n", range(6))
def test_roundtrip(n):
    out = SCRATCH / "out.txt"
    save(out, "hello world")
    count_words("hello world")
    time.sleep(0.03)
    assert out.read_text() == "hello world"
