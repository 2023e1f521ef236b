"""A tiny calculator package audited by testvet's run-stage tests."""
