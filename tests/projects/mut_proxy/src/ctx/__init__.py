"""A module-level proxy, as werkzeug's LocalProxy (flask.request): every attribute,
``__class__`` included, is looked up on an object that exists only in a context."""


class _Proxy:
    def __getattribute__(self, name):
        raise RuntimeError("working outside of the context")


current = _Proxy()


def double(x):
    return 2 * x
