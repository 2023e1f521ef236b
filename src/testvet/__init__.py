"""testvet: does a green pytest build of this project mean anything?"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
