from cold import table


def test_table_is_built():
    assert len(table()) == 600_000
