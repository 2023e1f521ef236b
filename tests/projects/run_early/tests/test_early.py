from early.late import later
from early.plugin import helper


def test_both():
    assert helper() + later() == 3
