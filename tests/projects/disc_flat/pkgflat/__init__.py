"""Flat layout package."""
