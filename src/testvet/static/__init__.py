"""The static stage of the audit (see DESIGN.md)."""
