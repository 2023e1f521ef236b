"""A tiny durable key-value store with a TCP front end."""
