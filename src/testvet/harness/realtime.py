"""The real monotonic clock, whatever the test under way patches.

freezegun replaces ``time.monotonic`` and ``time.perf_counter`` while a freeze is active
(time-machine, which the harness's ``clock`` uses, leaves both alone): a deadline read
from the frozen clock never comes, and ``eventually`` would poll forever. The harness
measures its own timeouts and event times with this wrapper of the real function,
taken at import, which freezegun does not know.
"""

from __future__ import annotations

import functools
import time

#: Seconds of the real monotonic clock. (The plugins in the project's interpreter have their
#: own, ``testvet_clock``: they import nothing from testvet, and the harness nothing of
#: theirs.)
monotonic = functools.partial(time.monotonic)
