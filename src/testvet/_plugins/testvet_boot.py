"""``python -m testvet_boot PYTEST-ARGS``: pytest, with testvet's recording started first.

pytest imports some packages itself before it loads any plugin (pluggy, iniconfig,
packaging; a ``-p`` plugin named before ``testvet_run``). A recording started in the
plugin comes too late for them: coverage.py misses their import-time lines (their
``def`` and ``class`` statements) and the import hook never sees them. Started here,
before pytest is imported, it sees them like any other module.

Standalone, like every module of this directory: the standard library and
``testvet_trace`` only, until pytest takes over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same module, as mypy finds it
    from testvet._plugins import testvet_trace
else:
    import testvet_trace


def _keep_hook_first(recorder: testvet_trace.Recorder) -> None:
    """pytest puts its assertion rewriting hook in front of the import hook, then imports
    the ``-p`` plugins it claims: put the import hook back in front right after."""
    import _pytest.assertion

    install = getattr(_pytest.assertion, "install_importhook", None)
    if install is None:  # another pytest: the plugin does it when it loads
        return

    def install_behind(config: Any) -> Any:
        hook = install(config)
        recorder.to_front()
        return hook

    setattr(_pytest.assertion, "install_importhook", install_behind)  # noqa: B010


def main() -> int:
    recorder = testvet_trace.start()

    import pytest  # after the recording started, on purpose

    if recorder is not None:
        _keep_hook_first(recorder)
    return int(pytest.main())


# A ``spawn`` or ``forkserver`` process a test starts imports this module again (the
# parent's main module, as ``__mp_main__``): it must neither record nor run the suite.
if __name__ == "__main__":
    raise SystemExit(main())
