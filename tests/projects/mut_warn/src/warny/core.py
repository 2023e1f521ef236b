"""Functions whose mutants only a warnings filter notices."""

import warnings


def scale(values, factor):
    if factor < 0:
        warnings.warn("a negative factor flips the values", UserWarning, stacklevel=2)
    return [v * factor for v in values]


def rate(hits, total):
    if total == 0:
        warnings.warn("no requests: the rate is 0", UserWarning, stacklevel=2)
        return 0.0
    return hits / total
