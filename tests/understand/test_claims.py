import pytest

from storylens.model import Article, Outlet, Span, text_id
from storylens.understand.claims import find_claims, find_hedges, sentence_spans


@pytest.mark.parametrize(
    "sentence, kinds",
    [
        ("Netanyahu reportedly did not want to share details.", {"hearsay"}),
        ("The response is expected to include airstrikes.", {"expectation"}),
        ("Options could include energy infrastructure.", {"possibility"}),
        ("The ministry denied the report on Monday.", {"denial"}),
        ("The group claimed responsibility for the attack.", {"claim"}),
        ("The council approved the budget on Monday.", set()),
    ],
)
def test_hedges(sentence, kinds):
    hedges = find_hedges(sentence)
    assert {h.kind for h in hedges} == kinds
    for h in hedges:
        assert sentence[h.span.start : h.span.end] == h.text


def _article(text: str) -> Article:
    paras, pos = [], 0
    for p in text.split("\n\n"):
        paras.append(Span(pos, pos + len(p)))
        pos += len(p) + 2
    return Article(id=text_id(text), outlet=Outlet("Test Outlet"), text=text, paragraphs=tuple(paras))


def test_claims_skip_headings_and_fragments_and_keep_spans(nlp):
    text = (
        "The bridge over the Mell River closed on Monday after inspectors found cracks.\n\n"
        "Inspectors find cracks\n\n"
        "City engineer Ola Brandt said repairs would not start before spring. Traffic is diverted.\n\n"
        "The mayor did not comment on the cost of the repairs."
    )
    art = _article(text)
    doc = nlp(text)
    spans = sentence_spans(doc, art.paragraphs)
    assert all(not text[s.start : s.end].startswith("Inspectors find") for s in spans)
    claims = find_claims(doc, art)
    texts = [c.text for c in claims]
    assert texts[0].startswith("The bridge over the Mell River closed")
    assert "Traffic is diverted." not in texts  # under five words: not a checkable claim
    assert all(text[c.span.start : c.span.end] == c.text for c in claims)
    neg = {c.text: c.negated for c in claims}
    assert neg["The mayor did not comment on the cost of the repairs."] is True
    assert neg[texts[0]] is False


@pytest.mark.parametrize(
    "sentence, parts",
    [
        (
            "Gallant was set to meet with the defence secretary at the Pentagon, but on Tuesday night "
            "the prime minister nixed the trip.",
            ["Gallant was set to meet with the defence secretary at the Pentagon",
             "on Tuesday night the prime minister nixed the trip."],
        ),
        # one subject, two verbs: one statement about one actor, kept whole
        ("The ferry struck the ledge and drifted for an hour before the tug arrived.", None),
        # the second half is too short to be a claim
        ("The council approved the new pier budget, and nobody objected.", None),
        # a quotation interrupted by its speaker is one statement, never cut inside the quote
        ("\u201cWe trust the harbour board,\u201d the mayor said, \u201cbut the board wants us to pay for the new pier ourselves.\u201d", None),
        ('"We trust the harbour board," the mayor said, "but the board wants us to pay for the new pier ourselves."', None),
    ],
)
def test_clause_split(nlp, sentence, parts):
    from storylens.understand.claims import clause_spans

    doc = nlp(sentence)
    spans = clause_spans(doc, Span(0, len(sentence)))
    got = [sentence[s.start : s.end] for s in spans]
    assert got == (parts or [sentence])


def test_sentence_cut_at_a_bracket_inside_a_quote_is_rejoined(nlp):
    text = "“We want to use this [Harbour-Council] meeting to shape the limits of the plan,” an official told the Gazette."
    art = _article(text)
    spans = sentence_spans(nlp(text), art.paragraphs)
    assert [text[s.start : s.end] for s in spans] == [text]


@pytest.mark.parametrize(
    "text, sentences",
    [
        # a state before a title, and a title before a name, cannot end a sentence
        ("Harbour councillors are calling for Ariz. Gov. Jan Brewer to veto the toll bill. The bill has caused an uproar.",
         ["Harbour councillors are calling for Ariz. Gov. Jan Brewer to veto the toll bill.", "The bill has caused an uproar."]),
        ("The mayor will face either former Cong. Rob Simmons or Linda Bray in the race.",
         ["The mayor will face either former Cong. Rob Simmons or Linda Bray in the race."]),
        # a state at the end of a sentence, and a name after a title, stay where they are
        ("The final will be held in Glendale, Ariz. It was first planned for Tempe.",
         ["The final will be held in Glendale, Ariz.", "It was first planned for Tempe."]),
        ("The harbour master met Mr. Reid. He said nothing.", ["The harbour master met Mr. Reid.", "He said nothing."]),
    ],
)
def test_sentences_go_on_after_an_abbreviation_that_cannot_end_one(nlp, text, sentences):
    spans = sentence_spans(nlp(text), _article(text).paragraphs)
    assert [text[s.start : s.end] for s in spans] == sentences


def test_a_plan_stated_as_fact_is_not_hedged():
    assert find_hedges("The minister was scheduled to meet the mayor on Monday.") == ()
    assert find_hedges("The minister was set to meet the mayor on Monday.") == ()


@pytest.mark.parametrize(
    "text",
    [
        "But, Mr.\n\nSmith said the council would meet soon, and the mayor agreed to attend the meeting on Friday.",
        "The harbour was quiet.\n\nBut, Mr.\n\nJones has argued the pier is safe, and the board has agreed to reopen it next week.",
        "And, Mrs.\n\nLee said the town would pay, but the council has voted against the plan in a long meeting.",
    ],
)
def test_a_coordinator_left_in_the_paragraph_before_does_not_cut_the_next_sentence(text):
    """Issue 11 item 15: "But, Mr." as a paragraph of its own raised ValueError (invalid span)."""
    from storylens.ingest import make_article
    from storylens.settings import Settings
    from storylens.understand import analyze_articles

    (analysis,) = analyze_articles([make_article(text, outlet=Outlet("X"), origin="x")], Settings())
    assert not hasattr(analysis, "reason"), analysis
    for claim in analysis.claims:
        assert text[claim.span.start : claim.span.end] == claim.text


@pytest.mark.parametrize(
    "text, claims",
    [
        # the outlet's own question states nothing; the answer does
        ("How is the harbour toll spent? The council spends it on the ferry pier.",
         ["The council spends it on the ferry pier."]),
        ("How’s the harbour toll spent? The council spends it on the ferry pier.",
         ["The council spends it on the ferry pier."]),
        # an announcement of what follows states nothing
        ("The harbour board met for six hours on Monday to settle the toll that ferry passengers pay at the pier. "
         "Here is what the harbour board decided:\n\nThe council spends the toll on the ferry pier.",
         ["The harbour board met for six hours on Monday to settle the toll that ferry passengers pay at the pier.",
          "The council spends the toll on the ferry pier."]),
        # a question inside a quotation opened earlier is part of the quote
        ("“We looked at every option for the pier. Who will pay for the new pier? Nobody knows yet,” the mayor said.",
         ["“We looked at every option for the pier.", "Who will pay for the new pier?", "Nobody knows yet,” the mayor said."]),
        # a question someone is quoted asking is a quote
        ("“Who will pay for the new ferry pier?” the mayor asked the council.",
         ["“Who will pay for the new ferry pier?” the mayor asked the council."]),
    ],
)
def test_the_outlets_own_questions_and_announcements_are_not_claims(nlp, text, claims):
    from storylens.understand.claims import find_claims

    art = _article(text)
    assert [c.text for c in find_claims(nlp(text), art)] == claims
