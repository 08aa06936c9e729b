"""Quotes: direct, mixed and indirect speech with speakers, on fictional sentences and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.model import Quote
from storylens.understand.quotes import find_quotes
from storylens.understand.sourcing import find_sources


def _check_spans(text: str, quotes: tuple[Quote, ...]) -> None:
    for q in quotes:
        assert text[q.span.start : q.span.end] == q.text
        assert q.kind in {"direct", "indirect", "mixed"}
        if q.speaker is not None:
            assert text[q.speaker.span.start : q.speaker.span.end] == q.speaker.text
        if q.cue is not None:
            assert 0 <= q.cue.start < q.cue.end <= len(text)


def _quote(text: str, quotes: tuple[Quote, ...], content: str) -> Quote:
    hits = [q for q in quotes if q.text == content]
    assert len(hits) == 1, f"wanted one quote {content!r} among {[(q.kind, q.text) for q in quotes]}"
    return hits[0]


# (sentence, quote text, kind, cue text, expected speaker fields)
CASES = [
    (
        "“The bridge will stay closed until spring,” Mayor Alma Rooke said on Monday.",
        "The bridge will stay closed until spring", "direct", "said",
        dict(kind="person", name="Alma Rooke", role="Mayor"),
    ),
    (
        'Mayor Alma Rooke said: "We have no choice. The money is gone."',
        "We have no choice. The money is gone.", "direct", "said",
        dict(kind="person", name="Alma Rooke"),
    ),
    (
        "“We are ready to sign,” a U.S. official told the Coastal Times.",
        "We are ready to sign", "direct", "told",
        dict(kind="anonymous", count=1, role="official", affiliation="US", via="Coastal Times"),
    ),
    (
        "“Nothing has been decided. We are still talking,” senior Veloria officials told Channel 9.",
        "Nothing has been decided. We are still talking", "direct", "told",
        dict(kind="anonymous", count=None, role="official", affiliation="Veloria", via="Channel 9"),
    ),
    (
        "“We will not be rushed,” said Dana Whitfield, the port director.",
        "We will not be rushed", "direct", "said",
        dict(kind="person", name="Dana Whitfield", role="port director"),
    ),
    # the preceding sentence's attribution
    (
        "Alma Rooke told reporters on Monday that the city had been ignored. "
        "“Nobody told us anything about the closure.”",
        "Nobody told us anything about the closure.", "direct", "told",
        dict(kind="person", name="Alma Rooke"),
    ),
    # an attribution the parser split off after a closing question mark
    (
        "Alma Rooke turned to the council. “What have you been debating? A parking fee?” Rooke said.",
        "What have you been debating? A parking fee?", "direct", "said",
        dict(kind="person", text="Rooke"),
    ),
    # "continued" next to a direct quote carries on the same speech
    (
        "“We will rebuild,” Alma Rooke said. “The harbor is ours,” Rooke continued.",
        "The harbor is ours", "direct", "continued",
        dict(kind="person", text="Rooke"),
    ),
    # a pronoun resolved to the most recent person
    (
        "Alma Rooke left the hall early. “I have said all I can say,” she said.",
        "I have said all I can say", "direct", "said",
        dict(kind="person", name="Alma Rooke", text="she"),
    ),
    # a pronoun takes the person the text is about, not the last name in passing ...
    (
        "Dan Pell opened the meeting. Pell stepped up his attacks on Ivo Kovac over the budget. "
        "“The numbers do not add up,” he said.",
        "The numbers do not add up", "direct", "said",
        dict(kind="person", name="Dan Pell", text="he"),
    ),
    # ... never a name that is not a subject in its own sentence ...
    (
        "Dan Pell visited the yard on Monday. Of Ivo Kovac, he said, “He works harder than anyone.”",
        "He works harder than anyone.", "direct", "said",
        dict(kind="person", name="Dan Pell", text="he"),
    ),
    # ... nor one who is only named inside a quotation ...
    (
        "Dan Pell spoke to reporters. “Ivo Kovac has never been here,” he said. “He knows nothing,” he added.",
        "He knows nothing", "direct", "added",
        dict(kind="person", name="Dan Pell", text="he"),
    ),
    # ... and agrees with the gender an honorific gives
    (
        "Ms. Rooke wrote to Mr. Kovac on Friday. Mr. Kovac did not answer. “I get no reply,” she wrote.",
        "I get no reply", "direct", "wrote",
        dict(kind="person", name="Rooke", text="she"),
    ),
    # any verb that frames a quote is its cue: after it, or before a colon that opens it
    (
        "“It is over,” summarized Alma Rooke.",
        "It is over", "direct", "summarized",
        dict(kind="person", name="Alma Rooke"),
    ),
    (
        "Alma Rooke shrugged: “We will not wait for them.”",
        "We will not wait for them.", "direct", "shrugged",
        dict(kind="person", name="Alma Rooke"),
    ),
    (
        "Added Alma Rooke: “Nobody will close this harbor.”",
        "Nobody will close this harbor.", "direct", "Added",
        dict(kind="person", name="Alma Rooke"),
    ),
    # an unnamed speaker by what they do
    (
        "One blogger asked, “Who approved this?”",
        "Who approved this?", "direct", "asked",
        dict(kind="anonymous", role="blogger", count=1),
    ),
    # a quote nobody is named for takes the speaker named next in its paragraph
    (
        "The plan was “a betrayal of the town.” It was “a disgrace,” Alma Rooke said.",
        "a betrayal of the town.", "mixed", "said",
        dict(kind="person", name="Alma Rooke"),
    ),
    # the same paragraph goes on quoting the last speaker, not a source cited in between
    (
        "“We will rebuild,” Alma Rooke said, according to the Harbor Gazette. “The harbor is ours.”",
        "The harbor is ours.", "direct", "said",
        dict(kind="person", name="Alma Rooke"),
    ),
    # a document speaks for its author: named with it, or put out by the subject of a verb
    (
        "“We will be heard,” a statement from the Harbor Workers Union said.",
        "We will be heard", "direct", "said",
        dict(kind="document", name="Harbor Workers Union", role="statement"),
    ),
    (
        "Alma Rooke released a letter on Monday. “The harbor must stay open,” the letter states.",
        "The harbor must stay open", "direct", "states",
        dict(kind="document", name="Alma Rooke", role="letter"),
    ),
    (
        "The Harbor Workers Union adopted a resolution on Tuesday. The resolution said the port "
        "had been “run into the ground.”",
        "run into the ground.", "mixed", "said",
        dict(kind="document", name="Harbor Workers Union", role="resolution"),
    ),
    # a participle on a document speaks for it ("a resolution condemning ...")
    (
        "Alma Rooke sent a letter to the council urging it to “act before the winter.”",
        "act before the winter.", "mixed", "urging",
        dict(kind="document", name="Alma Rooke", role="letter"),
    ),
    # "the group", "the campaign": the body named before, the subject of a clause first
    (
        "The Harbor Union met on Monday. The group has drafted a resolution condemning the council "
        "as “a rubber stamp for the mayor.”",
        "a rubber stamp for the mayor.", "mixed", "condemning",
        dict(kind="document", name="Harbor Union", role="resolution"),
    ),
    (
        "The Rooke campaign opened an office on Monday. “We are ahead in every district,” the campaign said.",
        "We are ahead in every district", "direct", "said",
        dict(kind="organization", name="Rooke campaign"),
    ),
    (
        "The Harbor Union responded to a plan by the Port Authority on Friday. “We will strike in March,” "
        "the group said.",
        "We will strike in March", "direct", "said",
        dict(kind="organization", name="Harbor Union"),
    ),
    # the subject of a reported yes/no question is the person asked
    (
        "The interview prompted Meredith Vale to ask Donald Trump if he had people in Hawaii. "
        "He signaled he did, saying, “They cannot believe what they are finding.”",
        "They cannot believe what they are finding.", "direct", "saying",
        dict(kind="person", name="Donald Trump"),
    ),
    # a definite office title is the person named with it, else the person the text is about
    (
        "Rep. Dan Pell toured the yard. “It is a mess,” the congressman said.",
        "It is a mess", "direct", "said",
        dict(kind="person", name="Dan Pell"),
    ),
    (
        "Alma Rooke toured the harbor on Monday. “The work is slow,” the mayor said.",
        "The work is slow", "direct", "said",
        dict(kind="person", name="Alma Rooke", role="mayor"),
    ),
    # a quote running over paragraphs: each paragraph reopens it, the last one closes it
    (
        "Alma Rooke wrote on the council's website.\n\n“The harbor is our lifeline. It must stay open.\n\n"
        "“Nobody in this town will accept less,” she wrote.",
        "The harbor is our lifeline. It must stay open.", "direct", "wrote",
        dict(kind="person", name="Alma Rooke"),
    ),
    # ... whose first paragraph took its speaker from the sentence before
    (
        "Alma Rooke wrote to the council.\n\n“We will rebuild the pier.\n\n“It will take two years.”",
        "It will take two years.", "direct", "wrote",
        dict(kind="person", name="Alma Rooke"),
    ),
    # a block quote (not reopened by each paragraph) after a paragraph ending in a colon
    (
        "Alma Rooke wrote to the council:\n\n“We will rebuild the pier.\n\nIt will take two years.\n\n"
        "The money is there.” The council met on Friday.",
        "It will take two years.", "direct", "wrote",
        dict(kind="person", name="Alma Rooke"),
    ),
    (
        "Alma Rooke posted the following note on her website:\n\n“We will rebuild the pier. It will take two years.”",
        "We will rebuild the pier. It will take two years.", "direct", "posted",
        dict(kind="person", name="Alma Rooke"),
    ),
    (
        "A video of the meeting shows the following exchange:\n\n“Why was the pier closed?”",
        "Why was the pier closed?", "direct", "shows",
        dict(kind="document", role="video"),
    ),
    # people who write in: readers, commenters, callers
    (
        "“The ferry is always late,” one commenter wrote.",
        "The ferry is always late", "direct", "wrote",
        dict(kind="anonymous", count=1, role="commenter"),
    ),
    # a curly opening mark closed by a straight one
    (
        "“We will not be rushed,\" Dana Whitfield said.",
        "We will not be rushed", "direct", "said",
        dict(kind="person", name="Dana Whitfield"),
    ),
    # short fragments inside reported speech
    (
        "Dana Whitfield asked the council whether it was ready to “go it alone” on the project.",
        "go it alone", "mixed", "asked",
        dict(kind="person", name="Dana Whitfield"),
    ),
    (
        "Dana Whitfield called the plan “reckless” on Monday.",
        "reckless", "mixed", "called",
        dict(kind="person", name="Dana Whitfield"),
    ),
    # verbs that characterise: what the subject called, dismissed or referred to something as
    (
        "Ivo Kovac referred to the reporter as a “clown.”",
        "clown.", "mixed", "referred",
        dict(kind="person", name="Ivo Kovac"),
    ),
    # indirect speech
    (
        "Alma Rooke said the harbor would reopen in May.",
        "the harbor would reopen in May", "indirect", "said",
        dict(kind="person", name="Alma Rooke"),
    ),
    (
        "The ministry told the Lakeside Herald that fees would rise next year.",
        "fees would rise next year", "indirect", "told",
        dict(kind="organization", via="Lakeside Herald"),
    ),
    (
        "Dana Whitfield asked the council whether the budget was final.",
        "whether the budget was final", "indirect", "asked",
        dict(kind="person", name="Dana Whitfield"),
    ),
    (
        "The harbor will close for a month, the Lakeside Herald reported.",
        "The harbor will close for a month", "indirect", "reported",
        dict(kind="outlet", name="Lakeside Herald"),
    ),
    (
        "Meridian Wire reported on Monday, citing two Veloria officials, that the talks had stalled again.",
        "the talks had stalled again", "indirect", "reported",
        dict(kind="outlet", name="Meridian Wire"),
    ),
]


@pytest.mark.parametrize(("text", "content", "kind", "cue", "speaker"), CASES)
def test_quote_patterns(nlp, text: str, content: str, kind: str, cue: str, speaker: dict) -> None:
    doc = nlp(text)
    quotes = find_quotes(doc, find_sources(doc))
    _check_spans(text, quotes)
    q = _quote(text, quotes, content)
    assert q.kind == kind
    assert q.cue is not None and q.cue.of(text) == cue
    assert q.speaker is not None
    for field, value in speaker.items():
        assert getattr(q.speaker, field) == value, (field, q.speaker)


@pytest.mark.parametrize(
    "text",
    [
        "The so-called “peace plan” was shelved in March.",
        'The "deal" collapsed within a week.',
    ],
)
def test_scare_quotes_are_skipped(nlp, text: str) -> None:
    quotes = find_quotes(nlp(text))
    _check_spans(text, quotes)
    assert quotes == ()


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The report did not state that the ferry had been overloaded.", "the ferry had been overloaded"),
        ("Alma Rooke never said the harbor would close in May.", "the harbor would close in May"),
        ("Alma Rooke declined to say whether the harbor would close.", "whether the harbor would close"),
        ("Alma Rooke said on NBC's “Today” show that the harbor would close.", "Today"),
        ("On Harbour FM’s “Morning Tide,” Alma Rooke said the harbor would close.", "Morning Tide"),
        ("Alma Rooke told the “Coast Watch” program that the harbor would close.", "Coast Watch"),
    ],
)
def test_not_quotes(nlp, text: str, absent: str) -> None:
    """Reports of what was not said, and names of shows in quotation marks."""
    quotes = find_quotes(nlp(text))
    _check_spans(text, quotes)
    assert absent not in [q.text for q in quotes]


def test_direct_quote_is_not_repeated_as_indirect(nlp) -> None:
    text = "“We were told that the ferry would run,” Alma Rooke said."
    quotes = find_quotes(nlp(text))
    _check_spans(text, quotes)
    assert [q.kind for q in quotes] == ["direct"]


def test_sources_are_computed_when_not_given(nlp) -> None:
    text = "“We are ready to sign,” a U.S. official told the Coastal Times."
    doc = nlp(text)
    assert find_quotes(doc) == find_quotes(doc, find_sources(doc))


# --- the seed articles ---------------------------------------------------------------------------


def _seed(seed_paths: list[Path], prefix: str) -> str:
    path = next((p for p in seed_paths if p.name.startswith(prefix)), None)
    if path is None:
        pytest.skip(f"seed {prefix} not found")
    return path.read_text(encoding="utf-8")


SEED_CASES = [
    ("000", "Excuse me, what did you say?", "direct", "responded",
     dict(kind="person", name="Austin")),
    ("000", "go it alone", "mixed", "asked", dict(kind="person", name="Austin")),
    ("000", "We want to use this [Biden-Netanyahu] meeting to shape the limits of Israel’s retaliation",
     "direct", "told", dict(kind="anonymous", count=1, role="official", affiliation="US", via="Axios")),
    ("000", "Netanyahu held a meeting last night with senior ministers and leaders of Israel’s military and "
            "intelligence services to finalize decisions on the scope and timing of retaliatory actions "
            "against Iran", "indirect", "reported", dict(kind="outlet", name="Axios")),
    ("000", "the prime minister would inform Biden once a final decision had been made", "indirect", "told",
     dict(kind="anonymous", role="aide", affiliation="Netanyahu", via="Axios")),
    ("003", "We were just informed that Minister Gallant will be postponing his trip to Washington",
     "direct", "told", dict(kind="person", name="Sabrina Singh", role="Pentagon spokesperson")),
    ("003", "We are currently in a position of strength. A ceasefire will be on our terms, including a "
            "withdrawal north of the Litani River and the dismantling of all Hezbollah military compounds "
            "in areas near the border", "direct", "told",
     dict(kind="anonymous", role="official", affiliation="Israeli", via="Channel 12")),
    ("003", "the Netanyahu-Biden call about plans to strike Iran is expected to occur on Wednesday",
     "indirect", "told", dict(kind="anonymous", count=1, via="Reuters")),
]


@pytest.mark.parametrize(("seed", "content", "kind", "cue", "speaker"), SEED_CASES)
def test_seed_quotes(nlp, seed_paths, seed: str, content: str, kind: str, cue: str, speaker: dict) -> None:
    text = _seed(seed_paths, seed)
    doc = nlp(text)
    quotes = find_quotes(doc, find_sources(doc))
    _check_spans(text, quotes)
    q = _quote(text, quotes, content)
    assert q.kind == kind
    assert q.cue is not None and q.cue.of(text) == cue
    assert q.speaker is not None
    for field, value in speaker.items():
        assert getattr(q.speaker, field) == value, (field, q.speaker)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No quotes here at all.",
        "“An opening mark that never closes, she said.",
        "“A quote that runs over\na line break,” he said.",
        '"" said nobody.',
        "“First paragraph of a long quote.\n\n“Second paragraph,” Alma Rooke said.",
        "Officials said. “",
    ],
)
def test_odd_inputs_keep_the_span_property(nlp, text: str) -> None:
    doc = nlp(text)
    quotes = find_quotes(doc, find_sources(doc))
    _check_spans(text, quotes)
    for q in quotes:
        assert "\n" not in q.text or q.kind == "indirect"
