"""Functions whose mutants make their tests misbehave (hang, exit, segfault, flood, eat memory)."""
