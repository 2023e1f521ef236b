"""``testvet``: argv -> options -> core -> reporters -> exit code.

This is the only module that prints to the user or decides the process exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from testvet import __version__
from testvet.errors import ExitCode, TestvetError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from testvet.core import AuditOptions, ProgressCallback
    from testvet.model import Audit

EPILOG_AUDIT = """\
examples:
  testvet audit                       audit the project in the current directory
  testvet audit path/to/project --static-only
                                      AST rules and inventory only; runs no test
  testvet audit --format json --format markdown --output-dir build/testvet
  testvet audit --baseline testvet-baseline.json
                                      only findings not in the baseline fail the build

exit codes:
  0 verdict pass   1 verdict fail   2 usage or configuration error
  3 internal error   4 the suite could not be run   130 interrupted
"""

EPILOG_MAIN = """\
examples:
  testvet audit .                     audit this project, reports in .testvet/
  testvet baseline write .            accept today's findings; only new ones fail
  testvet rules                       list every rule code with its category
  testvet trend --html trend.html     how findings, coverage and speed moved across audits

Run `testvet COMMAND --help` for the options of one command.
"""


def _add_audit_options(parser: argparse.ArgumentParser) -> None:
    from testvet.report import FORMATS

    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument(
        "--format",
        "-f",
        dest="formats",
        action="append",
        metavar="FORMAT",
        help=f"report format, repeatable or comma-separated: {', '.join(FORMATS)} (default: all)",
    )
    parser.add_argument(
        "--output-dir",
        "-o",
        type=Path,
        default=Path(".testvet"),
        help="where reports and data go (default: .testvet/ in the current directory)",
    )
    parser.add_argument(
        "--static-only", action="store_true", help="inventory and AST rules only; run no test"
    )
    parser.add_argument("--python", metavar="PATH", help="interpreter of the audited project")
    parser.add_argument(
        "--coverage-file", type=Path, metavar="FILE", help="use this coverage.py data file"
    )
    parser.add_argument(
        "--test-timeout", type=float, metavar="SECONDS", help="stop a test after this long"
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="FILE", help="findings in this file do not fail"
    )
    parser.add_argument(
        "--mutation", choices=("off", "extreme", "full"), help="mutation analysis mode"
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="mutants run at once (default: one per core)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``testvet`` command."""
    parser = argparse.ArgumentParser(
        prog="testvet",
        description="Does a green build of this pytest suite mean anything?",
        epilog=EPILOG_MAIN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"testvet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    audit = sub.add_parser(
        "audit",
        help="audit a project's test suite",
        description="Inventory, static rules, one instrumented run, mutation analysis, "
        "missing scenarios, coverage policy and a verdict.",
        epilog=EPILOG_AUDIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_audit_options(audit)

    baseline = sub.add_parser(
        "baseline",
        help="manage the baseline of accepted findings",
        description="A baseline lists accepted findings; with --baseline only new ones fail.",
        epilog="example:\n  testvet baseline write . --static-only -O testvet-baseline.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    baseline_sub = baseline.add_subparsers(dest="baseline_command", metavar="ACTION")
    write = baseline_sub.add_parser("write", help="audit and write every finding to a baseline")
    _add_audit_options(write)
    write.add_argument(
        "--baseline-file",
        "-O",
        type=Path,
        metavar="FILE",
        help="where to write the baseline (default: OUTPUT_DIR/baseline.json)",
    )

    trend = sub.add_parser(
        "trend",
        help="show how the audit's numbers moved across runs",
        description="Findings by category, coverage, mutation score and suite duration across "
        "the audits recorded in OUTPUT_DIR/history.sqlite (every `testvet audit` adds one), "
        "for the project audited last into that directory.",
        epilog="examples:\n  testvet trend\n  testvet trend --last 10 --html trend.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    trend.add_argument(
        "--output-dir",
        "-o",
        type=Path,
        default=Path(".testvet"),
        help="the audit output directory holding history.sqlite (default: .testvet/)",
    )
    trend.add_argument("--html", type=Path, metavar="FILE", help="also write an HTML chart")
    trend.add_argument("--last", type=int, metavar="N", help="only the last N runs")
    trend.add_argument("--debug", action="store_true", help="show tracebacks")

    rules = sub.add_parser("rules", help="list the static rules")
    rules.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def _options(args: argparse.Namespace) -> AuditOptions:
    from testvet.core import AuditOptions

    return AuditOptions(
        path=Path(args.path),
        output_dir=args.output_dir,
        static_only=args.static_only,
        python=args.python,
        coverage_file=args.coverage_file,
        test_timeout=args.test_timeout,
        baseline=args.baseline,
        mutation=args.mutation,
        workers=args.workers,
        debug=args.debug,
    )


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _cmd_audit(args: argparse.Namespace) -> int:
    from testvet import report
    from testvet.core import run_audit
    from testvet.output import ensure_output_dir

    asked = [name.strip() for value in args.formats or () for name in value.split(",")]
    formats = tuple(dict.fromkeys(asked or report.DEFAULT_FORMATS))
    report.check_formats(formats)
    options = _options(args)
    if args.test_timeout is not None and args.test_timeout <= 0:
        raise UsageError(f"--test-timeout must be greater than 0, not {args.test_timeout}")
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers must be 0 (one per core) or more, not {args.workers}")
    if args.coverage_file is not None and not args.coverage_file.is_file():
        raise UsageError(f"--coverage-file {args.coverage_file}: no such file")
    output_dir = ensure_output_dir(args.output_dir)
    options = replace(options, output_dir=output_dir)
    with _progress() as progress:
        audit = run_audit(options, progress=progress)
    console = _console()
    report.write_reports(audit, formats, output_dir, console)
    _record_history(audit, output_dir)
    return int(ExitCode.OK if audit.verdict is None or audit.verdict.passed else ExitCode.FAILED)


def _cmd_baseline(args: argparse.Namespace) -> int:
    from testvet.core import run_audit
    from testvet.output import ensure_output_dir, write_atomic
    from testvet.policy import baseline_document

    if args.baseline_command != "write":
        raise UsageError("baseline: give an action (write); see `testvet baseline --help`")
    options = _options(args)
    output_dir = ensure_output_dir(args.output_dir)
    options = replace(options, output_dir=output_dir, baseline=None)
    with _progress() as progress:
        audit = run_audit(options, progress=progress)
    target = args.baseline_file or output_dir / "baseline.json"
    if not target.parent.is_dir():
        raise UsageError(f"--baseline-file {target}: directory {target.parent} does not exist")
    write_atomic(target, json.dumps(baseline_document(audit), indent=2) + "\n")
    print(f"testvet: wrote {len(audit.findings)} findings to {target}")
    return int(ExitCode.OK)


def _record_history(audit: Audit, output_dir: Path) -> None:
    """Append the audit to OUTPUT_DIR/history.sqlite; a failure warns, never fails the audit."""
    from testvet import history

    try:
        history.record(history.summarize(audit), output_dir)
    except TestvetError as exc:
        print(f"testvet: warning: audit not added to the history: {exc.message}", file=sys.stderr)


def _cmd_trend(args: argparse.Namespace) -> int:
    from testvet import history, trend
    from testvet.output import write_atomic

    if args.last is not None and args.last < 1:
        raise UsageError(f"--last must be 1 or more, not {args.last}")
    records = trend.select(history.load(args.output_dir), args.last)
    if not records:
        raise UsageError(
            f"no audit history in {history.history_path(args.output_dir)} "
            "(run `testvet audit` first, or give --output-dir)"
        )
    if args.html is not None and not args.html.parent.is_dir():
        raise UsageError(f"--html {args.html}: directory {args.html.parent} does not exist")
    _console().print(trend.table(records))
    if args.html is not None:
        write_atomic(args.html, trend.render_html(records))
        print(f"testvet: wrote the trend chart to {args.html}")
    return int(ExitCode.OK)


def _cmd_rules(args: argparse.Namespace) -> int:
    from testvet.codes import all_codes

    for info in all_codes():
        severity = info.severity.value if info.severity else "varies"
        print(f"{info.code}  {info.category.value:<21} {severity:<7} {info.title}")
    return int(ExitCode.OK)


@contextlib.contextmanager
def _progress() -> Iterator[ProgressCallback | None]:
    """A progress bar on a TTY, nothing otherwise; no bar is left drawn when it ends."""
    if not sys.stderr.isatty():
        yield None
        return
    from testvet.progress import ProgressBar

    bar = ProgressBar()
    try:
        yield bar
    finally:
        bar.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``testvet`` command; returns the exit code (see :class:`ExitCode`)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, bad usage exits 2
        return int(exc.code) if isinstance(exc.code, int) else int(ExitCode.USAGE_ERROR)
    debug = bool(getattr(args, "debug", False))
    commands = {
        "audit": _cmd_audit,
        "baseline": _cmd_baseline,
        "rules": _cmd_rules,
        "trend": _cmd_trend,
    }
    if args.command is None:
        parser.print_help()
        return int(ExitCode.USAGE_ERROR)
    try:
        return commands[args.command](args)
    except TestvetError as exc:
        if debug:
            traceback.print_exc()
        print(f"testvet: error: {exc.message}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("testvet: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        else:
            print(
                f"testvet: internal error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)",
                file=sys.stderr,
            )
        return int(ExitCode.INTERNAL_ERROR)
