"""Traceability checker for the JSON report, reusable by any test that has a report dict.

``iter_spans`` finds every span anywhere in the document; ``span_mismatches`` checks each one
against the article texts (present when the report was made with ``with_text=True``).
"""

from __future__ import annotations

from typing import Any, Iterator

__all__ = ["iter_spans", "article_texts", "span_mismatches"]


def _is_span(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )


def iter_spans(doc: Any, _article_id: str | None = None) -> Iterator[tuple[str | None, list[int], str | None]]:
    """Yield ``(article_id, [start, end], text or None)`` for every span anywhere in ``doc``.

    A span is the value of a key named ``span`` or ending in ``_span``; its article is the
    ``article_id`` of the nearest enclosing object; its text is the sibling ``text`` of a
    ``span`` key (``*_span`` keys such as ``cue_span`` carry no text of their own).
    """
    if isinstance(doc, list):
        for item in doc:
            yield from iter_spans(item, _article_id)
        return
    if not isinstance(doc, dict):
        return
    article_id = doc.get("article_id", _article_id)
    if not isinstance(article_id, str):
        article_id = _article_id
    for key, value in doc.items():
        if (key == "span" or key.endswith("_span")) and _is_span(value):
            text = doc.get("text") if key == "span" else None
            yield article_id, value, text if isinstance(text, str) else None
        else:
            yield from iter_spans(value, article_id)


def article_texts(doc: dict[str, Any]) -> dict[str, str]:
    """Article id -> text, from a report made with ``with_text=True``."""
    return {
        a["id"]: a["text"]
        for story in doc.get("stories", [])
        for a in story.get("articles", [])
        if isinstance(a.get("text"), str)
    }


def span_mismatches(doc: dict[str, Any]) -> list[str]:
    """Every span that does not slice its article's text to exactly its shown text ([] = all good)."""
    texts = article_texts(doc)
    problems = []
    for article_id, (start, end), shown in iter_spans(doc):
        if article_id not in texts:
            problems.append(f"span [{start}, {end}] names unknown article {article_id!r}")
            continue
        text = texts[article_id]
        if not 0 <= start <= end <= len(text):
            problems.append(f"span [{start}, {end}] out of range for {article_id} ({len(text)} chars)")
        elif shown is not None and text[start:end] != shown:
            problems.append(f"{article_id}[{start}:{end}] is {text[start:end]!r}, shown as {shown!r}")
    return problems
