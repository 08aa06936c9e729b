"""Sourcing: attributions as structured SourceRefs, on fictional sentences and the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.model import SourceRef
from storylens.understand.sourcing import (
    find_sources,
    normalize_affiliation,
    parse_count,
    quote_marks,
    source_of_cue,
    verb_lemma,
)


def _check_spans(text: str, refs: tuple[SourceRef, ...]) -> None:
    for r in refs:
        assert text[r.span.start : r.span.end] == r.text
        if r.cue is not None:
            assert r.cue.end <= len(text) and r.cue.start < r.cue.end


def _pick(article: str, refs: tuple[SourceRef, ...], cue: str | None = None, **want: object) -> SourceRef:
    """The one ref whose fields equal ``want`` and whose cue reads ``cue``; fails otherwise."""
    hits = [
        r for r in refs
        if all(getattr(r, k) == v for k, v in want.items())
        and (cue is None or (r.cue is not None and r.cue.of(article) == cue))
    ]
    assert len(hits) == 1, f"wanted one {want} at cue {cue!r} among {refs}"
    return hits[0]


# (sentence, expected fields of one SourceRef, expected cue text)
CASES = [
    # a verb without a subject of its own borrows the subject of the verb it hangs on
    (
        "Ivo Kovac stormed back, leaned over the desk and said that the vote was rigged.",
        dict(kind="person", name="Ivo Kovac"),
        "said",
    ),
    (
        "Ivo Kovac was quick to retort that the figures were old.",
        dict(kind="person", name="Ivo Kovac"),
        "retort",
    ),
    # a body named by a proper modifier and an organisation noun
    (
        "The Obama campaign said that the rally would go ahead.",
        dict(kind="organization", name="Obama campaign"),
        "said",
    ),
    (
        "Alma Rooke vowed that the harbor would reopen by May.",
        dict(kind="person", name="Alma Rooke"),
        "vowed",
    ),
    (
        "According to a report by the Harbor Gazette, American officials have stated that the bridge will close.",
        dict(kind="outlet", name="Harbor Gazette", text="Harbor Gazette"),
        "According to",
    ),
    (
        "According to a report by the Harbor Gazette, American officials have stated that the bridge will close.",
        dict(kind="anonymous", role="official", affiliation="US", via="Harbor Gazette", count=None),
        "stated",
    ),
    (
        "According to three U.S. officials who spoke to Meridian Wire, the talks will resume on Friday.",
        dict(kind="anonymous", count=3, role="official", affiliation="US", via="Meridian Wire",
             text="three U.S. officials"),
        "According to",
    ),
    (
        "Citing two Iranian officials, Meridian Wire reported that the talks had stalled.",
        dict(kind="anonymous", count=2, role="official", affiliation="Iranian", via="Meridian Wire"),
        "Citing",
    ),
    (
        "Citing two Iranian officials, Meridian Wire reported that the talks had stalled.",
        dict(kind="outlet", name="Meridian Wire"),
        "reported",
    ),
    (
        "A Kovac aide told the Lakeside Herald that the minister would resign.",
        dict(kind="anonymous", count=1, role="aide", affiliation="Kovac", via="Lakeside Herald",
             text="A Kovac aide"),
        "told",
    ),
    (
        "A Kovac aide told the Lakeside Herald that the minister would resign.",
        dict(kind="outlet", name="Lakeside Herald", text="Lakeside Herald"),
        "told",
    ),
    (
        "United States officials told the Northfield Journal on Monday that the port was closed.",
        dict(kind="anonymous", count=None, role="official", affiliation="US", via="Northfield Journal"),
        "told",
    ),
    (
        "A person familiar with the matter told the Coastal Times that the vote would be delayed.",
        dict(kind="anonymous", count=1, role="person familiar with the matter", affiliation=None,
             via="Coastal Times"),
        "told",
    ),
    (
        "Channel 9 reported on Monday that the strike had ended.",
        dict(kind="outlet", name="Channel 9", text="Channel 9"),
        "reported",
    ),
    (
        "Senior Israeli officials told Channel 9 that the deal was close.",
        dict(kind="anonymous", count=None, role="official", affiliation="Israeli", via="Channel 9"),
        "told",
    ),
    (
        "According to Hebrew media reports, the cabinet met twice.",
        dict(kind="media", affiliation="Hebrew", text="Hebrew media reports"),
        "According to",
    ),
    (
        "Veloria media reports suggest that the cabinet is divided.",
        dict(kind="media", affiliation="Veloria"),
        "suggest",
    ),
    (
        "Ministry spokesperson Dana Whitfield told a news briefing that the port would reopen.",
        dict(kind="person", name="Dana Whitfield", role="Ministry spokesperson",
             text="Ministry spokesperson Dana Whitfield"),
        "told",
    ),
    (
        "Several diplomats said that the summit was cancelled.",
        dict(kind="anonymous", count=None, role="diplomat", text="Several diplomats"),
        "said",
    ),
    (
        "An official at the Ministry of Ports said the fees would rise.",
        dict(kind="anonymous", count=1, role="official", affiliation="Ministry of Ports"),
        "said",
    ),
    (
        "Dana Whitfield arrived late. She said the port would reopen in May.",
        dict(kind="person", name="Dana Whitfield", text="She"),
        "said",
    ),
    (
        "The Harbor Authority said it would appeal.",
        dict(kind="organization", name="Harbor Authority"),
        "said",
    ),
    # a participle shares the subject of the clause it hangs on
    (
        "Dana Whitfield mocked the complaint on Monday, saying the port had never been safer.",
        dict(kind="person", name="Dana Whitfield", text="Dana Whitfield"),
        "saying",
    ),
    # a person named in apposition to a role noun is that person, not an unnamed source
    (
        "A spokesman for the port authority, Brad Kessler, said the fees would rise.",
        dict(kind="person", name="Brad Kessler", role="spokesman for the port authority"),
        "said",
    ),
    # "who" in a relative clause stands for the noun it modifies
    (
        "The fees were criticised by Alma Rooke, who said the port was failing its workers.",
        dict(kind="person", name="Alma Rooke", text="Alma Rooke"),
        "said",
    ),
    # "the governor" is the person named earlier with that title
    (
        "Gov. Alma Rooke signed the bill on Monday. The governor said the port would reopen.",
        dict(kind="person", name="Alma Rooke", text="The governor"),
        "said",
    ),
]


@pytest.mark.parametrize(("text", "want", "cue"), CASES)
def test_attribution_patterns(nlp, text: str, want: dict, cue: str) -> None:
    doc = nlp(text)
    refs = find_sources(doc)
    _check_spans(text, refs)
    _pick(text, refs, cue, **want)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # "asked X to do Y" is a request, not an attribution
        ("Dana Whitfield asked the council to delay the vote.", "Dana Whitfield"),
        # a report with no one named behind it is not a source
        ("The report notes growing anger in the port.", "report"),
        # "cited" an event, not a source
        ("The Lakeside Herald report also cited the recent flooding of the harbor.", "flooding"),
        # the object of "told" is an outlet only when it can be one
        ("Dana Whitfield told Congress that the port would reopen.", "Congress"),
        ("An aide told the Pentagon that the deal was off.", "Pentagon"),
        ("Officials told Israel that the deal was off.", "Israel"),
    ],
)
def test_not_attributions(nlp, text: str, absent: str) -> None:
    refs = find_sources(nlp(text))
    _check_spans(text, refs)
    assert not any(absent in r.text for r in refs), refs


@pytest.mark.parametrize(
    ("text", "short", "full"),
    [
        # the last word of an outlet named earlier
        ("Officials told the Northfield Journal that the port was closed. "
         "Traders were surprised, the Journal reported.", "Journal", "Northfield Journal"),
        # an initialism given in parentheses, or matching the initials
        ("According to a report by the Harbor Gazette (HG), the bridge will close. "
         "HG reported that the mayor objected.", "HG", "Harbor Gazette"),
    ],
)
def test_short_outlet_names_resolve(nlp, text: str, short: str, full: str) -> None:
    refs = find_sources(nlp(text))
    _check_spans(text, refs)
    ref = _pick(text, refs, kind="outlet", text=short)
    assert ref.name == full


def test_definite_reference_copies_earlier_source(nlp) -> None:
    text = (
        "Meridian Wire reported on Monday, citing two Veloria officials, that the talks had stalled. "
        "According to the officials, the next round is in May."
    )
    refs = find_sources(nlp(text))
    _check_spans(text, refs)
    ref = _pick(text, refs, text="the officials")
    assert (ref.kind, ref.count, ref.role, ref.affiliation, ref.via) == (
        "anonymous", 2, "official", "Veloria", "Meridian Wire")


@pytest.mark.parametrize(
    ("raw", "norm"),
    [("U.S.", "US"), ("US", "US"), ("American", "US"), ("the United States", "US"), ("Israel", "Israeli"),
     ("Israeli", "Israeli"), ("Iran", "Iranian"), ("Hebrew", "Hebrew"), ("Biden administration", "Biden administration")],
)
def test_normalize_affiliation(raw: str, norm: str) -> None:
    assert normalize_affiliation(raw) == norm


@pytest.mark.parametrize(
    ("word", "count"),
    [("a", 1), ("An", 1), ("one", 1), ("three", 3), ("12", 12), ("several", None), ("multiple", None)],
)
def test_parse_count(word: str, count: int | None) -> None:
    assert parse_count(word) == count


# --- the seed articles ---------------------------------------------------------------------------


def _seed(seed_paths: list[Path], prefix: str) -> str:
    path = next((p for p in seed_paths if p.name.startswith(prefix)), None)
    if path is None:
        pytest.skip(f"seed {prefix} not found")
    return path.read_text(encoding="utf-8")


SEED_CASES = [
    ("000", dict(kind="outlet", name="Wall Street Journal", text="Wall Street Journal"), "According to"),
    ("000", dict(kind="anonymous", text="US officials", affiliation="US", via="Wall Street Journal"), "stated"),
    ("000", dict(kind="anonymous", count=3, role="official", affiliation="US", via="Axios"), "According to"),
    ("000", dict(kind="anonymous", count=2, role="official", affiliation="Israeli", via="Axios"), "Citing"),
    ("000", dict(kind="outlet", name="Axios", text="Axios"), "reported"),
    ("000", dict(kind="anonymous", count=1, role="aide", affiliation="Netanyahu", via="Axios"), "told"),
    ("003", dict(kind="anonymous", text="U.S. officials", count=None, role="official", affiliation="US",
                 via="Wall Street Journal"), "told"),
    ("003", dict(kind="outlet", text="Journal", name="Wall Street Journal"), "reported"),
    ("003", dict(kind="anonymous", count=1, role="person familiar with the matter", via="Reuters"), "told"),
    ("003", dict(kind="outlet", name="Reuters"), "told"),
    ("003", dict(kind="outlet", name="NBC News"), "reported"),
    ("003", dict(kind="anonymous", count=2, text="two U.S. officials", role="official", affiliation="US",
                 via="NBC News"), "citing"),
    ("003", dict(kind="media", affiliation="Hebrew", text="Hebrew media reports"), "According to"),
    ("003", dict(kind="outlet", name="Channel 12"), "reported"),
    ("003", dict(kind="anonymous", text="senior Israeli officials", role="official", affiliation="Israeli",
                 via="Channel 12"), "told"),
    ("003", dict(kind="person", name="Sabrina Singh", role="Pentagon spokesperson"), "told"),
]


@pytest.mark.parametrize(("seed", "want", "cue"), SEED_CASES)
def test_seed_sources(nlp, seed_paths, seed: str, want: dict, cue: str) -> None:
    text = _seed(seed_paths, seed)
    refs = find_sources(nlp(text))
    _check_spans(text, refs)
    _pick(text, refs, cue, **want)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the subject of the previous clause, not the last name mentioned in passing
        ("Dana Whitfield stepped up her attacks on Brad Kessler. She said the port was failing.", "Dana Whitfield"),
        # a speaker named before stays the referent of a later pronoun
        ("Dana Whitfield said the port was failing. The fees hurt Brad Kessler. She said more was coming.",
         "Dana Whitfield"),
        # a name whose honorific gives the pronoun's gender outweighs one of unknown gender
        # mentioned as near (which the small model may even have taken for a person wrongly)
        ("The fees rose again. Enter Ms. Varga, a friend of Robin Ostrander. She said the fees were unfair.", "Varga"),
    ],
)
def test_pronoun_prefers_the_person_the_text_is_about(nlp, text: str, name: str) -> None:
    refs = find_sources(nlp(text))
    _check_spans(text, refs)
    pronoun = [r for r in refs if r.text in {"She", "she"}]
    assert pronoun and pronoun[-1].name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Rooke campaign opened an office. The campaign said the race was close.", "Rooke campaign"),
        # the subject of a clause, not a body named later in passing
        ("The Harbor Union answered a plan by the Port Authority. The group said it would strike.", "Harbor Union"),
        # nothing named with that noun: the phrase stays as written
        ("The Harbor Union met on Monday. The committee said it would wait.", "committee"),
        # named too far back to be what "the group" stands for
        ("The Harbor Union met on Monday. The port was quiet. Ships were late. Fees rose. Nobody came. "
         "The group said it would wait.", "group"),
    ],
)
def test_the_group_is_the_body_named_before(nlp, text: str, name: str) -> None:
    refs = find_sources(nlp(text))
    _check_spans(text, refs)
    said = [r for r in refs if r.kind == "organization" and r.text.casefold().startswith("the ")]
    assert said and said[-1].name == name


def _with_reader(nlp, word: str, subject: bool = True):
    """A hand-built parse of "Fees rose, with one reader <word> why." in which the tagger took
    ``word`` for a noun (the small model does so with some "-ing" forms)."""
    from spacy.tokens import Doc

    return Doc(
        nlp.vocab,
        words=["Fees", "rose", ",", "with", "one", "reader", word, "why", "."],
        tags=["NNS", "VBD", ",", "IN", "CD", "NN", "NN", "WRB", "."],
        pos=["NOUN", "VERB", "PUNCT", "ADP", "NUM", "NOUN", "NOUN", "SCONJ", "PUNCT"],
        deps=["nsubj", "ROOT", "punct", "prep", "nummod", "nsubj" if subject else "compound", "pobj", "advmod", "punct"],
        heads=[1, 1, 1, 1, 5, 6, 3, 6, 1],
        lemmas=["fee", "rise", ",", "with", "one", "reader", word, "why", "."],
        sent_starts=[True] + [False] * 8,
    )


@pytest.mark.parametrize(
    ("word", "subject", "lemma"),
    [
        ("asking", True, "ask"),
        ("writing", True, "write"),
        ("admitting", True, "admit"),
        ("asking", False, None),  # no subject of its own: a noun after all
        ("hearing", True, None),  # no speech verb
    ],
)
def test_an_ing_form_tagged_as_a_noun_with_a_subject_is_a_verb(nlp, word: str, subject: bool, lemma: str | None) -> None:
    doc = _with_reader(nlp, word, subject)
    assert verb_lemma(doc[6]) == lemma
    ref = source_of_cue(doc, doc[6])
    if lemma is None:
        assert ref is None
    else:
        assert ref is not None and (ref.kind, ref.role, ref.count) == ("anonymous", "reader", 1)


def test_a_date_before_a_participle_is_no_speaker(nlp) -> None:
    text = "The mayor released a statement late Tuesday saying the port would reopen."
    refs = find_sources(nlp(text))
    assert all("Tuesday" not in r.text for r in refs)


@pytest.mark.parametrize(
    ("text", "contents", "runs_on"),
    [
        ("He said “yes” and “no”.", ["yes", "no"], [False, False]),
        ('She said "yes" and "no".', ["yes", "no"], [False, False]),
        ("“Mixed marks,\" he said.", ["Mixed marks,"], [False]),
        ('"A straight quote with “curly” marks inside," he said.', ["A straight quote with “curly” marks inside,"], [False]),
        ("“Never closed, she said.", [], []),  # no paragraph reopens it
        ("“Runs on.\n\n“And ends here,” he said.", ["Runs on.", "And ends here,"], [True, False]),
        ("“Opened twice “and closed once.”", ["and closed once."], [False]),
        # a block quote: open at a paragraph's end, closed by the first mark a few paragraphs on
        (
            "“Block quote opens.\n\nA middle part.\n\nAnd it ends.” Then “more”.",
            ["Block quote opens.", "A middle part.", "And it ends.", "more"],
            [True, True, False, False],
        ),
        ("“Never closed.\n\nShe said “yes” later.", ["yes"], [False]),  # the next mark opens
        ("“Never closed.\n\n" + "A paragraph.\n\n" * 7 + "It ends.” Far away.", [], []),  # too far
        ("A stray ” mark.", [], []),
    ],
)
def test_quote_marks(text: str, contents: list[str], runs_on: list[bool]) -> None:
    found = quote_marks(text)
    assert [q.content.of(text) for q in found] == contents
    assert [q.runs_on for q in found] == runs_on
    for q in found:
        assert "\n" not in q.outer.of(text)
