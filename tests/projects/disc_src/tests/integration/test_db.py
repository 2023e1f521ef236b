import sqlite3

from ledger.store import balance


def test_sum_from_sqlite():
    con = sqlite3.connect(":memory:")
    rows = [r[0] for r in con.execute("select 1 union all select 2")]
    assert balance(rows) == 3
