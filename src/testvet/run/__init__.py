"""The run stage: one instrumented run of the audited suite (see DESIGN.md).

Modules: ``stage`` (entry point), ``child`` (child processes, crash/timeout recovery),
``events`` (the plugin's event stream), ``scope`` (what is project code), ``covdata``
(coverage.py data -> numbers), ``floors`` (coverage policy, TV301), ``rotten`` (rotten
green, TV310), ``functions`` (function ids -> def lines), ``mapping`` (inventory). The
code that runs inside the project's interpreter is in ``testvet/_plugins``: the child is
``python -m testvet_boot``, which starts the recording (``testvet_trace``: coverage.py,
the per-test map, the watchdog) before it imports pytest, then runs pytest with the
``testvet_run`` plugin, which records each test.

How the per-test map is built (which project functions each test reached)
--------------------------------------------------------------------------

Python >= 3.12: ``sys.monitoring`` PY_START events. The callback returns ``DISABLE``
for every code object after its first event, and ``restart_events()`` re-arms them
between tests, so each function costs one callback per test, not one per call.

Python 3.10/3.11 (``hook``, the default there): an import hook compiles project modules
from source with ``__testvet_hits__[N] = 1`` as the first statement of each function
body (after the docstring, on the first statement's own line, so line tables, tracebacks
and coverage.py's lines and arcs do not change; a test compares coverage with and
without it). Only project functions pay, a dict store per call; the rest of the process
(pytest, libraries) runs untouched. Code the mutation engine swaps into ``__code__``
later simply has no hit statement. The hook is installed before pytest is imported, so
the packages pytest imports itself (pluggy, iniconfig, packaging) and a project's ``-p``
plugins pass through it (and coverage.py sees their import-time lines: pluggy 1.7.0 went
from 28.6% to 100% for its ``__init__.py``). A module imported even earlier (by a
``sitecustomize``) never passes through it: then ``auto`` uses ``sys.setprofile`` below,
slower but complete, and says so in a run note.

Alternatives measured and rejected (``TESTVET_MAP_MECHANISM=profile|lsprof`` selects them):

* ``sys.setprofile`` filtered by code object: a Python callback on every call, return
  and C call of the whole process.
* the C profiler behind cProfile (``_lsprof``), enabled per test and read per code
  object: C speed, but it takes timestamps on every call and C call.
* coverage.py's per-test dynamic contexts: excluded by design (3-6x, see issue 3).

Micro-benchmark, one call of a one-line project function in a loop (2 M calls, best of
5, this shared 2-core machine under load, so absolute numbers are inflated)::

    Python 3.11.7   plain 205 ns   hook 298 ns   setprofile 1027 ns   lsprof 1011 ns
    Python 3.12.1   plain 265 ns   hook 463 ns   setprofile 3265 ns   lsprof 1845 ns
                    monitoring 261 ns (disabled after the first event)

Whole suites, ``benchmarks/run_overhead.py`` (ratios to plain ``pytest`` of the median
of interleaved rounds; wall time / CPU time of all processes involved; shared machine,
so the wall numbers are noisy and the CPU numbers are the steadier guide)::

    variant            cachetools     click          attrs
    coverage run       2.16 / 2.16    1.96 / 1.99    2.09 / 2.20
    map (hook)         1.12 / 1.11    1.36 / 1.18    1.01 / 1.11
    map + coverage     2.51 / 2.50    2.68 / 2.65    2.15 / 2.24
    map: setprofile    2.15 / 2.12    2.79 / 2.48    -
    map: lsprof        1.89 / 1.85    1.86 / 1.80    -
    plugin, no map     1.11 / 1.09    1.17 / 1.09    -

(cachetools and click: 5 rounds; attrs: 3 rounds, 1,335 tests. "map + coverage"
measures test files too, for rotten-green evidence, and includes the parent's analysis.)
"""
