# The project's own pytest plugin: pytest rewrites the asserts of the modules it names.
pytest_plugins = ["plug.fixtures"]
