"""The scenarios stage of the audit (see DESIGN.md)."""
