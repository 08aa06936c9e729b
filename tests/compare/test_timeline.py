"""The timeline (tests for storylens.compare.timeline), on claims and facts written here."""

from __future__ import annotations

from datetime import datetime, timezone

from storylens.compare.timeline import build_timeline
from storylens.ingest import make_article
from storylens.model import Claim, ClaimRef, Fact, Outlet, Span, TimeRef

TUESDAY = datetime(2026, 3, 10, tzinfo=timezone.utc)
WEDNESDAY = datetime(2026, 3, 11, tzinfo=timezone.utc)
TEXT = "On Tuesday the board shut the pier and cancelled the ferry. The ferry resumed on Wednesday."


def _claim(article_id: str, sentence: str, day: datetime, word: str) -> Claim:
    start = TEXT.index(sentence)
    at = TEXT.index(word, start)
    t = TimeRef(Span(at, at + len(word)), word, "DATE", day.date().isoformat(), day, day.replace(hour=23, minute=59), "day")
    return Claim(id=f"c{start}", article_id=article_id, span=Span(start, start + len(sentence)), text=sentence, times=(t,))


def _fact(fid: str, text: str, *claims: Claim) -> Fact:
    refs = tuple(ClaimRef(c.article_id, "Harbour FM", c.span, c.text, c.id) for c in claims)
    return Fact(fid, text, refs, {"Harbour FM": "reported"}, 1)


def test_a_sentence_supporting_two_facts_is_dated_once():
    article = make_article(TEXT, outlet=Outlet("Harbour FM"), published=WEDNESDAY)
    shut = _claim(article.id, "On Tuesday the board shut the pier and cancelled the ferry.", TUESDAY, "Tuesday")
    resumed = _claim(article.id, "The ferry resumed on Wednesday.", WEDNESDAY, "Wednesday")
    facts = [_fact("f1", "The board shut the pier.", shut), _fact("f2", "The ferry was cancelled.", shut, resumed)]
    entries = build_timeline(facts, {shut.id: shut, resumed.id: resumed}, {article.id: article})
    assert [(e.start.date().isoformat(), e.text, [c.text for c in e.claims]) for e in entries] == [
        ("2026-03-10", "The board shut the pier.", [shut.text]),
        ("2026-03-11", "The ferry was cancelled.", [resumed.text]),
    ]
