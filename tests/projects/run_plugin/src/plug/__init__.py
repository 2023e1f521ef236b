"""A project that ships a pytest plugin (its fixtures module)."""
