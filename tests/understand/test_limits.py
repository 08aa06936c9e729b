"""Issue 11 item 3: a text longer than the parser takes is skipped with a reason, never fatal."""

from __future__ import annotations

import json

import storylens
from storylens.ingest import make_article
from storylens.model import Outlet, Skipped
from storylens.settings import Settings
from storylens.understand import analyze_articles
from storylens.understand.nlp import get_nlp

PARA = (
    "The harbour authority closed the northern pier on Monday after a crane collapsed onto the "
    "loading dock, and two workers were taken to hospital with minor injuries."
)


def test_text_over_the_parser_limit_but_under_max_bytes_is_skipped_with_its_reason(tmp_path):
    huge = " ".join([PARA] * (5_000_001 // (len(PARA) + 1) + 1))
    assert len(huge) > 5_000_000
    records = tmp_path / "r.jsonl"
    with records.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"outlet": "Huge Daily", "text": huge}) + "\n")
        fh.write(json.dumps({"outlet": "Harbour Post", "text": PARA + " " + PARA}) + "\n")
    assert records.stat().st_size < Settings().max_bytes
    report = storylens.analyze([str(records)], embedder="lexical")
    assert [a.outlet.name for s in report.stories for a in s.articles] == ["Harbour Post"]
    (skip,) = report.skipped
    assert skip.source.endswith("r.jsonl:1")
    assert "too long" in skip.reason and "max_chars" in skip.reason


def test_articles_built_in_code_meet_the_limit_before_the_parser():
    long_text = " ".join([PARA] * 40)
    articles = [
        make_article(long_text, outlet=Outlet("Long Post"), origin="long"),
        make_article(PARA + " " + PARA, outlet=Outlet("Short Post"), origin="short"),
    ]
    settings = Settings(max_chars=len(long_text) - 1)
    items = list(analyze_articles(articles, settings))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [s.source for s in skipped] == ["long"]
    assert f"{len(long_text)} characters" in skipped[0].reason
    assert len(items) == 2


def test_the_parser_takes_every_text_the_limit_lets_through():
    nlp = get_nlp(Settings().spacy_model)
    text = " ".join([PARA] * 8)
    before = nlp.max_length
    try:
        nlp.max_length = len(text) // 2  # a parser guard tighter than the setting
        items = list(analyze_articles([make_article(text, outlet=Outlet("P"), origin="p")], Settings(max_chars=len(text))))
    finally:
        nlp.max_length = before
    assert not any(isinstance(i, Skipped) for i in items)
