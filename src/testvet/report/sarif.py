"""SARIF 2.1.0 (``report.sarif``) for GitHub code scanning and other SARIF viewers.

One run; ``ruleId`` is the finding code; locations are relative to ``%SRCROOT%`` (the
project root); ``partialFingerprints`` carry testvet's line-shift-proof fingerprint.
GitHub's upload limits are enforced here (see :data:`MAX_RESULTS` and friends); what is
cut is counted in ``run.properties``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote

from testvet.model import Audit, Finding, Severity
from testvet.report import rulemeta, views

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

#: GitHub code scanning rejects a run with more results or rules than this.
MAX_RESULTS = 25_000
MAX_RULES = 25_000
#: GitHub shows the first 10 tags of a rule (and rejects more than 20).
MAX_TAGS = 10
#: GitHub rejects identifiers (rule ids) and rule names longer than 255 characters.
MAX_ID = 255
#: GitHub truncates short/full rule descriptions to 1024 characters.
MAX_DESCRIPTION = 1024
#: Cap on a result message (GitHub shows its first sentence as the alert title).
MAX_MESSAGE = 2048

LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
_PROBLEM = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "recommendation"}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rule(meta: rulemeta.RuleMeta) -> dict[str, Any]:
    help_text = (
        f"{meta.description} Each result's message says what to change. "
        f"Documentation: {meta.help_uri}"
    )
    help_md = (
        f"**{meta.code}: {meta.title}**\n\n{rulemeta.CATEGORY_MEANING[meta.category]}\n\n"
        f"Category: `{meta.category.value}`. Default severity: {meta.severity.value}.\n\n"
        f"[Documentation]({meta.help_uri})"
    )
    tags = ["testvet", meta.category.value, "tests"][:MAX_TAGS]
    return {
        "id": meta.code[:MAX_ID],
        "name": meta.name[:MAX_ID],
        "shortDescription": {"text": _cut(meta.title, MAX_DESCRIPTION)},
        "fullDescription": {"text": _cut(meta.description, MAX_DESCRIPTION)},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": meta.help_uri,
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": {
            "tags": tags,
            "category": meta.category.value,
            "problem.severity": _PROBLEM[meta.severity],
        },
    }


def _message(f: Finding) -> str:
    text = f.message.strip() or f"{f.code} finding"
    if f.hint:
        text += f" Fix: {f.hint.strip()}"
    return _cut(text, MAX_MESSAGE)


def _result(f: Finding, index: int, occurrence: int) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": f.line or 1}
    if f.line and f.end_line and f.end_line >= f.line:
        region["endLine"] = f.end_line
    props: dict[str, Any] = {"category": f.category.value, "severity": f.severity.value}
    for key in ("test", "function", "scenario", "requirement"):
        value = getattr(f, key)
        if value:
            props[key] = value
    if not f.line:
        props["wholeFile"] = True
    return {
        "ruleId": f.code[:MAX_ID],
        "ruleIndex": index,
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(f.path), "uriBaseId": SRCROOT},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {
            "testvet/v1": f.fingerprint,
            "primaryLocationLineHash": f"{f.fingerprint[:16]}:{occurrence}",
        },
        "properties": props,
    }


def document(audit: Audit) -> dict[str, Any]:
    """The SARIF log as plain data."""
    findings = list(views.ordered(audit))  # worst first: GitHub keeps the first results
    codes = list(dict.fromkeys(f.code for f in findings))
    kept_codes = codes[:MAX_RULES]
    kept = {c: i for i, c in enumerate(kept_codes)}
    findings = [f for f in findings if f.code in kept]
    omitted = len(audit.findings) - min(len(findings), MAX_RESULTS)
    findings = findings[:MAX_RESULTS]
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    rules = [_rule(rulemeta.describe(c, by_code[c])) for c in kept_codes if c in by_code]
    index = {r["id"]: i for i, r in enumerate(rules)}
    seen: Counter[str] = Counter()
    results = []
    for f in findings:
        seen[f.fingerprint] += 1
        results.append(_result(f, index[f.code[:MAX_ID]], seen[f.fingerprint]))
    notifications = [
        {"level": "note", "message": {"text": f"Not measured: {g.what} ({g.why}); {g.how}."}}
        for g in views.gaps(audit)
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "testvet",
                "version": audit.tool_version,
                "informationUri": rulemeta.DOCS_URL,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": audit.project.root.absolute().as_uri().rstrip("/") + "/",
                "description": {"text": "The root of the audited project."},
            }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "verdict": views.verdict_word(audit),
            "findings": len(audit.findings),
            "omittedResults": omitted,
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(audit: Audit) -> str:
    """The SARIF text (UTF-8 JSON, two-space indent)."""
    return json.dumps(document(audit), indent=2, ensure_ascii=False) + "\n"


def rebase(doc: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Make every ``%SRCROOT%`` URI relative to a parent directory: ``prefix/uri``.

    GitHub reads result URIs relative to the repository root; when the audited project
    is a subdirectory of the repository, its URIs need that subdirectory in front.
    """
    prefix = prefix.strip("/")
    if prefix in ("", "."):
        return doc
    head = quote(prefix) + "/"
    for run in doc.get("runs", []):
        for result in run.get("results", []):
            for loc in result.get("locations", []):
                art = loc.get("physicalLocation", {}).get("artifactLocation", {})
                if art.get("uriBaseId") == SRCROOT and "uri" in art:
                    art["uri"] = head + art["uri"]
    return doc


def main(argv: list[str] | None = None) -> int:
    """``python -m testvet.report.sarif --prefix DIR FILE``: rebase FILE in place."""
    import argparse
    from pathlib import Path

    from testvet.output import write_atomic

    parser = argparse.ArgumentParser(prog="python -m testvet.report.sarif")
    parser.add_argument("--prefix", required=True, help="directory to put in front of URIs")
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    doc = json.loads(args.file.read_text(encoding="utf-8"))
    write_atomic(
        args.file, json.dumps(rebase(doc, args.prefix), indent=2, ensure_ascii=False) + "\n"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the GitHub action
    raise SystemExit(main())
