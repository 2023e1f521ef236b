"""The mutate stage of the audit (see DESIGN.md)."""
