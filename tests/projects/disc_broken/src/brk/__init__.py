"""A package whose tests have collection problems."""
