"""Tests live inside this package."""
