from __future__ import annotations

import pytest

from storylens.compare.sourcing import same_outlet, sourcing_profiles, speaker_label
from storylens.model import Article, Outlet, Quote, SourceRef, Span

COURIER = "Bramcote Courier"
RADIO = "Harbour FM"

TEXT_1 = (
    "A port official told the Courier the gauge was broken. "
    "Three county officials told the Wire that the quay was closed. "
    "Harbour Master Jo Vale said the boat was safe. "
    "The Daily Ledger reported that two officials had resigned. "
    "Later, the officials said nothing more."
)
TEXT_2 = "Residents said the horn sounded. Councillor Ann Fry told Harbour FM the vote was close."
TEXT_3 = "According to the Bramcote Courier, the captain was stood down. Sources said the boat was old."


def sp(text: str, sub: str) -> Span:
    i = text.index(sub)
    return Span(i, i + len(sub))


def ref(text: str, sub: str, kind: str, **kw) -> SourceRef:
    return SourceRef(sp(text, sub), sub, kind, **kw)


ART_1 = Article("a1", Outlet(COURIER), TEXT_1)
ART_2 = Article("a2", Outlet(COURIER), TEXT_2)  # a second Courier article adds up with the first
ART_3 = Article("a3", Outlet(RADIO), TEXT_3)

SOURCES = {
    "a1": (
        ref(TEXT_1, "A port official", "anonymous", count=1, role="official", affiliation="port", via="Courier"),
        ref(TEXT_1, "Courier", "outlet", name="Courier"),
        ref(TEXT_1, "Three county officials", "anonymous", count=3, role="official", affiliation="county",
            via="the Wire"),
        ref(TEXT_1, "Wire", "outlet", name="Wire"),
        ref(TEXT_1, "Harbour Master Jo Vale", "person", name="Jo Vale"),
        ref(TEXT_1, "The Daily Ledger", "outlet", name="Daily Ledger"),
        ref(TEXT_1, "two officials", "anonymous", count=2, role="official", via="Daily Ledger"),
        # a later reference to the same officials, in a new sentence: a second attribution
        ref(TEXT_1, "the officials", "anonymous", role="official", via="Daily Ledger"),
    ),
    "a2": (
        ref(TEXT_2, "Residents", "anonymous", role="resident"),
        ref(TEXT_2, "Councillor Ann Fry", "person", name="Ann Fry", via="Harbour FM"),
    ),
    "a3": (
        ref(TEXT_3, "Bramcote Courier", "outlet", name="Bramcote Courier"),
        ref(TEXT_3, "Sources", "anonymous"),
    ),
}
QUOTES = {
    "a1": (
        Quote(sp(TEXT_1, "the gauge was broken"), "the gauge was broken", "indirect", speaker=SOURCES["a1"][0]),
        Quote(sp(TEXT_1, "the boat was safe"), "the boat was safe", "indirect", speaker=SOURCES["a1"][4]),
        Quote(sp(TEXT_1, "nothing more"), "nothing more", "indirect", speaker=SOURCES["a1"][7]),
    ),
    "a2": (
        Quote(sp(TEXT_2, "the horn sounded"), "the horn sounded", "indirect", speaker=SOURCES["a2"][0]),
        Quote(sp(TEXT_2, "the vote was close"), "the vote was close", "indirect", speaker=SOURCES["a2"][1]),
    ),
    "a3": (Quote(sp(TEXT_3, "the boat was old"), "the boat was old", "indirect"),),
}


@pytest.fixture(scope="module")
def profiles():
    return {p.outlet: p for p in sourcing_profiles([ART_1, ART_2, ART_3], SOURCES, QUOTES)}


def test_one_profile_per_outlet_in_order():
    got = sourcing_profiles([ART_3, ART_1, ART_2], SOURCES, QUOTES)
    assert [p.outlet for p in got] == [RADIO, COURIER]


@pytest.mark.parametrize(
    "outlet,field,expected",
    [
        # a1: port official (own reporting), county officials via the Wire (one attribution),
        # Jo Vale, two officials via the Ledger (one attribution), the officials again;
        # a2: residents, Ann Fry (named, speaking to Harbour FM)
        (COURIER, "named", 2),
        (COURIER, "unnamed", 5),
        (COURIER, "by_kind", {"anonymous": 5, "person": 2}),
        (COURIER, "officials_by_affiliation", {"county": 1, "port": 1, "unspecified": 2}),
        # "told the Courier" is the Courier's own reporting; "the Wire" and "Wire" are one outlet
        (COURIER, "outlets_cited", {"Daily Ledger": 2, "Harbour FM": 1, "Wire": 1}),
        (COURIER, "quoted", {"Jo Vale": 1, "unnamed official": 1, "unnamed port official": 1,
                             "unnamed resident": 1, "Ann Fry": 1}),
        # an outlet cited alone is a named source; "Bramcote Courier" is a story outlet's own name
        (RADIO, "named", 1),
        (RADIO, "unnamed", 1),
        (RADIO, "by_kind", {"anonymous": 1, "outlet": 1}),
        (RADIO, "officials_by_affiliation", {}),
        (RADIO, "outlets_cited", {COURIER: 1}),
        (RADIO, "quoted", {"unattributed": 1}),
    ],
)
def test_profile_fields(profiles, outlet, field, expected):
    value = getattr(profiles[outlet], field)
    assert (dict(value) if isinstance(expected, dict) else value) == expected


def test_counts_are_ordered_most_first(profiles):
    assert list(profiles[COURIER].by_kind) == ["anonymous", "person"]
    assert list(profiles[COURIER].outlets_cited)[0] == "Daily Ledger"


def test_cited_short_name_takes_the_story_outlets_full_name():
    text = "Officials told the Courier the road was shut."
    art = Article("x", Outlet(RADIO), text)
    srcs = {"x": (ref(text, "Officials", "anonymous", role="official", via="Courier"), ref(text, "Courier", "outlet", name="Courier"))}
    other = Article("y", Outlet(COURIER), "The Courier's own story.")
    (p_radio, _) = sourcing_profiles([art, other], srcs, {})
    assert dict(p_radio.outlets_cited) == {COURIER: 1}
    assert (p_radio.named, p_radio.unnamed) == (0, 1)


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("Courier", "Bramcote Courier", True),
        ("the Courier", "Bramcote Courier", True),
        ("Journal", "Wall Street Journal", True),
        ("Wall Street Journal", "wall street journal", True),
        ("Street", "Wall Street Journal", False),
        ("NBC News", "Fox News", False),
        ("", "Courier", False),
    ],
)
def test_same_outlet(a, b, same):
    assert same_outlet(a, b) is same


@pytest.mark.parametrize(
    "ref_,label",
    [
        (SourceRef(Span(0, 1), "x", "person", name="Sabrina Singh"), "Sabrina Singh"),
        (SourceRef(Span(0, 1), "x", "anonymous", count=3, role="official", affiliation="US"), "unnamed US official"),
        (SourceRef(Span(0, 1), "x", "anonymous", role="person familiar with the matter"),
         "unnamed person familiar with the matter"),
        (SourceRef(Span(0, 1), "x", "media", affiliation="Hebrew"), "unnamed Hebrew media"),
        (SourceRef(Span(0, 1), "x", "anonymous"), "unnamed source"),
    ],
)
def test_speaker_label(ref_, label):
    assert speaker_label(ref_) == label
