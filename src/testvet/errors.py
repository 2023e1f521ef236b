"""One exception hierarchy and the documented exit codes of the ``testvet`` command."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What the ``testvet`` process exit status means (documented in README.md)."""

    #: The audit ran and the verdict is *pass*.
    OK = 0
    #: The audit ran and the verdict is *fail* (the policy's ``fail_on`` matched a new finding).
    FAILED = 1
    #: Bad command line, bad ``[tool.testvet]`` configuration, or a missing/unreadable path.
    USAGE_ERROR = 2
    #: A bug in testvet itself; rerun with ``--debug`` for the traceback and report it.
    INTERNAL_ERROR = 3
    #: The audited suite could not be run at all (no pytest in the project's interpreter,
    #: the interpreter is missing, or every test failed to collect).
    SUITE_ERROR = 4
    #: Interrupted by the user (Ctrl-C).
    INTERRUPTED = 130


class TestvetError(Exception):
    """Base of every error testvet reports as a one-line message instead of a traceback."""

    exit_code: ExitCode = ExitCode.INTERNAL_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(TestvetError):
    """The command line asks for something impossible (a missing path, an unknown format)."""

    exit_code = ExitCode.USAGE_ERROR


class ConfigError(UsageError):
    """``[tool.testvet]`` (or another input file) holds a key or value testvet cannot accept."""


class SuiteError(TestvetError):
    """The audited suite cannot be run at all."""

    exit_code = ExitCode.SUITE_ERROR
