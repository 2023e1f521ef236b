def ensure_sorted(items):
    if list(items) != sorted(items):
        raise AssertionError(f"not sorted: {items}")


def expect_valid_json(text):
    import json

    json.loads(text)
