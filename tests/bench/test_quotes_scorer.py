"""The BASIL quote-speaker scorer of bench/quotes.py on hand-made cases."""

from __future__ import annotations

import pytest

from bench.quotes import GoldQuote, QuoteDoc, build_text, score_doc, speaker_matches
from storylens.model import Quote, SourceRef, Span


def src(text: str, kind: str = "person", name: str | None = None) -> SourceRef:
    return SourceRef(Span(0, len(text)), text, kind, name=name)


@pytest.mark.parametrize(
    "speaker, gold, expected",
    [
        (src("Elizabeth Lauten", name="Elizabeth Lauten"), "Elizabeth_Lauten", True),
        (src("elizabeth lauten", name="elizabeth lauten"), "Elizabeth_Lauten", True),  # case-insensitive
        (src("Lauten", name="Lauten"), "Elizabeth_Lauten", True),  # surname alone
        (src("Ms. Lauten", name="Ms. Lauten"), "Elizabeth_Lauten", True),  # title dropped
        (src("Elizabeth", name="Elizabeth"), "Elizabeth_Lauten", False),  # first name alone
        (src("Mark Lauten", name="Mark Lauten"), "Elizabeth_Lauten", False),
        (src("Hillary Rodham Clinton", name="Hillary Rodham Clinton"), "Hillary_Clinton", True),  # middle name
        (src("the Obama campaign", kind="organization", name="Obama campaign"), "Obama_campaign", True),
        (src("Republican lawmakers", kind="anonymous"), "Republican_Lawmakers", True),  # by its text
        (None, "Elizabeth_Lauten", False),
    ],
)
def test_named_speakers(speaker, gold, expected):
    assert speaker_matches(speaker, gold) is expected


@pytest.mark.parametrize(
    "speaker, expected",
    [
        (src("a senior aide", kind="anonymous"), True),  # unnamed
        (src("William Kristol", name="William Kristol"), True),  # named, not a main entity
        (src("Mr. Steele", name="Mr. Steele"), False),  # a main entity is not "other"
        (src("Steele", name="Steele"), False),
        (None, False),
    ],
)
def test_other_speakers_match_anyone_but_the_main_entities(speaker, expected):
    assert speaker_matches(speaker, "other_anti", main_entities=("Michael Steele", "Barack Obama")) is expected


def test_build_text_maps_sentences_to_offsets():
    text, sents, paras = build_text([["One two.", "Three four."], [], ["Five."]])
    assert text == "One two. Three four.\n\nFive."
    assert [(o, s) for o, s in sents] == [(0, "One two."), (9, "Three four."), (22, "Five.")]
    assert all(text[o : o + len(s)] == s for o, s in sents)
    assert [p.of(text) for p in paras] == ["One two. Three four.", "Five."]


def test_score_doc_counts_recall_and_speaker_accuracy():
    text = "“We won,” Ana Ruiz said. A critic called it “a fluke.” Nobody said “never”."
    def span(sub: str) -> Span:
        i = text.index(sub)
        return Span(i, i + len(sub))
    doc = QuoteDoc(
        name="t", source="x", text=text, paragraphs=(Span(0, len(text)),), main_entities=("Ana Ruiz",),
        gold=(
            GoldQuote(span("We won"), "We won", "Ana_Ruiz"),
            GoldQuote(span("a fluke"), "a fluke", "other_anti"),
            GoldQuote(span("never"), "never", "other_neutral"),  # not found
        ),
    )
    ruiz = SourceRef(span("Ana Ruiz"), "Ana Ruiz", "person", name="Ana Ruiz")
    quotes = [
        Quote(span("We won"), "We won", "direct", speaker=ruiz),
        Quote(span("a fluke"), "a fluke", "mixed", speaker=ruiz),  # a main entity: wrong for other_*
    ]
    c = score_doc(doc, quotes)
    assert (c.n_gold, c.found, c.speaker_correct, c.named_found, c.named_correct) == (3, 2, 1, 1, 1)
    assert c.recall == pytest.approx(2 / 3)
    assert c.speaker_accuracy == pytest.approx(0.5)
