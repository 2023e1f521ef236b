"""taskq: a small multi-tenant task queue."""

__version__ = "0.3.0"
