import nonexistent_dependency_xyz


def test_uses_dependency():
    assert nonexistent_dependency_xyz.VERSION
