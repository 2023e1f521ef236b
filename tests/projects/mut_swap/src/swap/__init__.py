"""Functions that are hard, or impossible, to swap in memory."""
