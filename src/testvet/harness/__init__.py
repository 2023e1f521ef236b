"""testvet.harness: pytest fixtures and helpers to write reliability tests."""
