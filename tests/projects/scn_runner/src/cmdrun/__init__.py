"""Runs user-configured hooks and remote commands."""
