"""Operator tasks, not reached by any test."""

from __future__ import annotations

from authsvc.accounts import Documents


def purge_tenant(docs: Documents, tenant_id: str) -> int:
    doomed = [key for key in docs._docs if key[0] == tenant_id]
    for key in doomed:
        del docs._docs[key]
    return len(doomed)
