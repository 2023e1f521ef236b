"""The run stage of the audit (see DESIGN.md)."""
