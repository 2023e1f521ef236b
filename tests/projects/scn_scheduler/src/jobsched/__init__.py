"""A job scheduler: sqlite-backed leases, an idempotent queue, a runner with rollback."""
