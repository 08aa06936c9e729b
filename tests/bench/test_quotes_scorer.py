"""The BASIL quote-speaker scorer of bench/quotes.py on hand-made cases."""

from __future__ import annotations

import pytest

from bench.quotes import GoldQuote, QuoteDoc, build_text, gold_kind, score_doc, speaker_matches, split_of
from storylens.model import Quote, SourceRef, Span


def src(text: str, kind: str = "person", name: str | None = None) -> SourceRef:
    return SourceRef(Span(0, len(text)), text, kind, name=name)


PERSONS = ("Elizabeth Lauten", "Hillary Rodham Clinton", "Raúl R. Labrador", "Benjamin Netanyahu")


@pytest.mark.parametrize(
    "speaker, gold, expected",
    [
        (src("Elizabeth Lauten", name="Elizabeth Lauten"), "Elizabeth_Lauten", True),
        (src("elizabeth lauten", name="elizabeth lauten"), "Elizabeth_Lauten", True),  # case-insensitive
        (src("Lauten", name="Lauten"), "Elizabeth_Lauten", True),  # surname alone, one Lauten named
        (src("Ms. Lauten", name="Ms. Lauten"), "Elizabeth_Lauten", True),  # title dropped
        (src("Elizabeth", name="Elizabeth"), "Elizabeth_Lauten", False),  # first name alone
        (src("Mark Lauten", name="Mark Lauten"), "Elizabeth_Lauten", True),  # the article names one Lauten
        (src("Hillary Rodham Clinton", name="Hillary Rodham Clinton"), "Hillary_Clinton", True),  # middle name
        (src("Raúl R. Labrador", name="Raúl R. Labrador"), "Raul_Labrador", True),  # diacritics, initial
        (src("Benjamin Netanyahu", name="Benjamin Netanyahu"), "Bibi_Netanyahu", True),  # one Netanyahu named
        (src("he", name="Elizabeth Lauten"), "Elizabeth_Lauten", True),  # a pronoun by its resolved name
        (src("Lauten", kind="organization", name="Lauten"), "Elizabeth_Lauten", True),
        (None, "Elizabeth_Lauten", False),
    ],
)
def test_person_speakers(speaker, gold, expected):
    assert speaker_matches(speaker, gold, persons=PERSONS) is expected


@pytest.mark.parametrize(
    "speaker, gold, expected",
    [
        (src("Rand Paul", name="Rand Paul"), "Ron_Paul", False),  # father and son
        (src("Paul", name="Paul"), "Ron_Paul", False),  # which Paul?
        (src("Sen. Ron Paul", name="Ron Paul"), "Ron_Paul", True),
        (src("R. Paul", name="R. Paul"), "Ron_Paul", True),  # an initial agrees with either
    ],
)
def test_a_surname_shared_by_two_people_needs_the_first_name(speaker, gold, expected):
    assert speaker_matches(speaker, gold, persons=("Ron Paul", "Rand Paul", "Paul")) is expected


TEXT = (
    "St. Louis Tea Party organizer Bill Hennessy wrote on the website. "
    "“Support is strong,” said Jeri Thompson, advisory board member for Secure America Now. "
    "Obama's current campaign press secretary, Ben LaBolt, said so. Obama spoke in Iowa. "
    "NAACP President Ben Jealous disagreed."
)


@pytest.mark.parametrize(
    "speaker, gold, expected",
    [
        (src("the Obama campaign", kind="organization", name="Obama campaign"), "Obama_campaign", True),
        (src("Obama campaign spokeswoman Lis Smith", name="Lis Smith"), "Obama_campaign", True),  # own text
        (src("he", name="Bill Hennessy"), "Tea_Party", True),  # described before his name
        (src("Thompson", name="Jeri Thompson"), "Secure_America_Now", True),  # apposition after it
        (src("LaBolt", name="Ben LaBolt"), "Obama_campaign", True),
        (src("Obama", name="Obama"), "Obama_campaign", True),  # the body is named after him
        (src("he", name="Ben Jealous"), "Tea_Party", False),  # described with another body
        (src("Ben LaBolt", name="Ben LaBolt"), "Tea_Party", False),
        (src("the Romney campaign", kind="organization", name="Romney campaign"), "Obama_campaign", False),
    ],
)
def test_body_speakers(speaker, gold, expected):
    persons = ("Bill Hennessy", "Jeri Thompson", "Ben LaBolt", "Obama", "Ben Jealous")
    assert speaker_matches(speaker, gold, persons=persons, text=TEXT) is expected


@pytest.mark.parametrize(
    "speaker, expected",
    [
        (src("a senior aide", kind="anonymous"), True),  # unnamed
        (src("William Kristol", name="William Kristol"), True),  # named, not a main entity
        (src("Mr. Steele", name="Mr. Steele"), False),  # a main entity is not "other"
        (src("Steele", name="Steele"), False),
        (src("he", name="Michael Steele"), False),
        (None, False),
    ],
)
def test_other_speakers_match_anyone_but_the_main_entities(speaker, expected):
    mains = ("Michael Steele", "Barack Obama")
    assert speaker_matches(speaker, "other_anti", main_entities=mains, persons=mains) is expected


@pytest.mark.parametrize(
    "speaker, expected",
    [
        (src("Rep. Michele Bachmann", name="Michele Bachmann"), True),  # a member, named
        (src("Republican lawmakers", kind="anonymous"), True),  # the group itself
        (src("Democratic lawmakers", kind="anonymous"), False),  # another main entity
        (src("Obama", name="Barack Obama"), False),
        (None, False),
    ],
)
def test_group_speakers_match_anyone_but_the_other_main_entities(speaker, expected):
    mains = ("Republican Lawmakers", "Democratic Lawmakers", "Barack Obama")
    persons = ("Michele Bachmann", "Barack Obama")
    assert speaker_matches(speaker, "Republican_Lawmakers", main_entities=mains, persons=persons) is expected


@pytest.mark.parametrize(
    "gold, text, expected",
    [
        ("other_pro", "", "other"),
        ("Rick_Perry", "", "person"),  # named by the parse
        ("William_Cowan", "picked William “Mo” Cowan, his aide", "person"),  # missed by the parse
        ("Republican_Lawmakers", "", "group"),
        ("State_Department_officials", "", "group"),
        ("Obama_campaign", "", "body"),
        ("NAACP", "", "body"),
        ("Tea_Party", "the Tea Party said", "body"),
    ],
)
def test_gold_kinds(gold, text, expected):
    assert gold_kind(gold, persons=("Rick Perry", "Perry"), text=text) == expected


def test_build_text_maps_sentences_to_offsets():
    text, sents, paras = build_text([["One two.", "Three four."], [], ["Five."]])
    assert text == "One two. Three four.\n\nFive."
    assert [(o, s) for o, s in sents] == [(0, "One two."), (9, "Three four."), (22, "Five.")]
    assert all(text[o : o + len(s)] == s for o, s in sents)
    assert [p.of(text) for p in paras] == ["One two. Three four.", "Five."]


def test_score_doc_counts_recall_speaker_accuracy_and_empty_named_speakers():
    text = "“We won,” Ana Ruiz said. A critic called it “a fluke.” “Again,” she said. Nobody said “never”."
    def span(sub: str) -> Span:
        i = text.index(sub)
        return Span(i, i + len(sub))
    doc = QuoteDoc(
        name="t", source="x", text=text, paragraphs=(Span(0, len(text)),), main_entities=("Ana Ruiz",),
        gold=(
            GoldQuote(span("We won"), "We won", "Ana_Ruiz"),
            GoldQuote(span("a fluke"), "a fluke", "other_anti"),
            GoldQuote(span("Again"), "Again", "Ana_Ruiz"),
            GoldQuote(span("never"), "never", "other_neutral"),  # not found
        ),
    )
    ruiz = SourceRef(span("Ana Ruiz"), "Ana Ruiz", "person", name="Ana Ruiz")
    quotes = [
        Quote(span("We won"), "We won", "direct", speaker=ruiz),
        Quote(span("a fluke"), "a fluke", "mixed", speaker=ruiz),  # a main entity: wrong for other_*
        Quote(span("Again"), "Again", "direct", speaker=None),  # named in the text, left empty
    ]
    c = score_doc(doc, quotes, persons=("Ana Ruiz",))
    assert (c.n_gold, c.found, c.speaker_correct, c.named_found, c.named_correct, c.named_empty) == (4, 3, 1, 2, 1, 1)
    assert c.recall == pytest.approx(3 / 4)
    assert c.speaker_accuracy == pytest.approx(1 / 3)
    assert c.named_speaker_accuracy == pytest.approx(0.5)
    assert c.named_empty_rate == pytest.approx(0.5)


def test_split_keeps_stories_whole_in_corpus_order():
    def doc(story: str) -> QuoteDoc:
        return QuoteDoc(name=story, source="x", text="", paragraphs=(), main_entities=(), gold=(), story=story)

    docs = [doc("a"), doc("a"), doc("b"), doc("c"), doc("c")]
    assert split_of(docs, tune_stories=2) == {"a": "tune", "b": "tune", "c": "check"}
