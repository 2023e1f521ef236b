"""A small calculator library used by testvet's mutation tests."""
