"""The discover stage of the audit (see DESIGN.md)."""
