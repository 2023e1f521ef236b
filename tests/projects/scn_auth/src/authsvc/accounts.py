"""Documents stored per tenant."""

from __future__ import annotations


class Documents:
    def __init__(self) -> None:
        self._docs: dict[tuple[str, str], str] = {}

    def save(self, tenant_id: str, doc_id: str, text: str) -> None:
        self._docs[(tenant_id, doc_id)] = text

    def load(self, tenant_id: str, doc_id: str) -> str | None:
        return self._docs.get((tenant_id, doc_id))
