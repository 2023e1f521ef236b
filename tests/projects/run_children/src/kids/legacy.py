"""A module that warns its importer (the usual way to deprecate a module)."""

import warnings

from kids import square

warnings.warn("kids.legacy is deprecated: use kids", DeprecationWarning, stacklevel=2)


def old_square(n: int) -> int:
    return square(n)
