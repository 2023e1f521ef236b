"""testvet's own clock, out of reach of the clock patches of the suite it runs.

freezegun replaces ``time.monotonic`` and ``time.perf_counter`` while a freeze is active
(on the ``time`` module, and in every other module, outside its ignore list, whose
attribute holds the real function), and a freeze may span tests: a fixture of module
scope, a ``freezer.start()`` at import. The recording's watchdog and fixture timings,
and the mutation engine's deadlines, read this wrapper of the real function instead,
taken when the plugins load: freezegun does not know it (and time-machine patches
neither clock).
"""

from __future__ import annotations

import functools
import time

#: Seconds of the real monotonic clock (``time.monotonic``, whatever a test patches). Its
#: twin for the harness is ``testvet.harness.realtime``: the plugins import nothing from
#: testvet.
monotonic = functools.partial(time.monotonic)
