"""Near-duplicate detection: which articles copy which, and which one is the original."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from group_fixtures import FLOOD_OTHER, FLOOD_WIRE, RECALL_ONE, make_article

from storylens.group.dedupe import containment, find_copies, shingles

T0 = datetime(2031, 5, 4, 9, 0, tzinfo=timezone.utc)

ADDED_PARAGRAPH = (
    "\nLocal businesses on Fenwick Road offered free meals to the evacuated families, and the "
    "Marrowby football club opened its clubhouse as a second shelter.\n\n"
    "(Reporting by Mara Quist; editing by Tom Adeyemi)\n"
)


def _typographic_variant(text: str) -> str:
    return text.replace('"', "\u201c", 1).replace("-", "\u2013").replace("  ", " ")


def _edited(text: str) -> str:
    """A new headline and five words changed, as a copy desk would."""
    edits = {
        "early on Sunday": "early Sunday",
        "about 300": "around 300",
        "cots": "beds",
        "heaviest": "worst",
    }
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    return "Hundreds flee as Tessel floods Marrowby\n\n" + text


COPIES = [
    ("typographic variant (different id)", _typographic_variant(FLOOD_WIRE), True),
    ("wire copy + added paragraph + credit line", FLOOD_WIRE + ADDED_PARAGRAPH, True),
    ("new headline, a few words edited", _edited(FLOOD_WIRE), True),
    ("excerpt: first three paragraphs", "\n\n".join(FLOOD_WIRE.split("\n\n")[:3]), True),
    ("different article on the same story", FLOOD_OTHER, False),
    ("unrelated story", RECALL_ONE, False),
]


@pytest.mark.parametrize(("case", "text", "is_copy"), COPIES, ids=[c[0] for c in COPIES])
def test_copy_of_wire_story(case: str, text: str, is_copy: bool) -> None:
    wire = make_article(FLOOD_WIRE, outlet="Northwire", kind="wire", published=T0)
    other = make_article(text, outlet="Valley Voice", kind="regional", published=T0 + timedelta(hours=3))
    assert wire.id != other.id
    copies = find_copies([other, wire])
    assert copies == ({other.id: wire.id} if is_copy else {})


def test_seeds_are_not_copies(seed_paths) -> None:
    seeds = [make_article(p.read_text(encoding="utf-8"), outlet=p.stem) for p in seed_paths]
    assert find_copies(seeds) == {}


@pytest.mark.parametrize(
    ("setup", "expected_original"),
    [
        # (kind, published offset in hours or None) per article, in input order
        ([("national", 0), ("wire", 5), ("regional", 1)], 1),  # wire wins even when later
        ([("national", 4), (None, 2), ("regional", 3)], 1),  # no wire: earliest published
        ([("national", None), (None, 2), ("regional", None)], 1),  # unknown times sort last
        ([("national", None), (None, None), ("regional", None)], 0),  # nothing known: input order
    ],
)
def test_original_choice(setup: list[tuple[str | None, int | None]], expected_original: int) -> None:
    # Three variants of one story so that every article has a distinct id.
    texts = [FLOOD_WIRE, FLOOD_WIRE + ADDED_PARAGRAPH, _edited(FLOOD_WIRE)]
    articles = [
        make_article(
            text,
            outlet=f"outlet{i}",
            kind=kind,
            published=None if hours is None else T0 + timedelta(hours=hours),
        )
        for i, (text, (kind, hours)) in enumerate(zip(texts, setup))
    ]
    original = articles[expected_original].id
    assert find_copies(articles) == {a.id: original for a in articles if a.id != original}


def test_no_chains_every_member_points_to_the_original() -> None:
    # b copies a, c copies b (its edits build on b's): both must point at the wire article a.
    a = make_article(FLOOD_WIRE, outlet="Northwire", kind="wire")
    b = make_article(_edited(FLOOD_WIRE), outlet="Valley Voice")
    c = make_article(_edited(FLOOD_WIRE) + ADDED_PARAGRAPH, outlet="Callen Courier")
    unrelated = make_article(RECALL_ONE, outlet="Tessaly Times")
    copies = find_copies([c, unrelated, b, a])
    assert copies == {b.id: a.id, c.id: a.id}


def test_same_id_twice_is_not_its_own_copy() -> None:
    a = make_article(FLOOD_WIRE, outlet="Northwire", kind="wire")
    assert find_copies([a, a]) == {}
    assert find_copies([]) == {}


def test_threshold_is_respected() -> None:
    wire = make_article(FLOOD_WIRE, kind="wire")
    edited = make_article(_edited(FLOOD_WIRE))
    score = containment(shingles(wire.text), shingles(edited.text))
    assert 0.8 < score < 1.0
    assert find_copies([wire, edited], threshold=score - 0.01) == {edited.id: wire.id}
    assert find_copies([wire, edited], threshold=score + 0.01) == {}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("one two three four five six", "One, two; three four FIVE six!", 1.0),
        ("", "one two three four five", 0.0),
        ("alpha beta", "alpha beta", 1.0),  # fragments compare by Jaccard of one shingle
        ("alpha beta", "alpha beta gamma delta epsilon zeta", 0.0),
    ],
)
def test_containment_normalises_case_and_punctuation(a: str, b: str, expected: float) -> None:
    assert containment(shingles(a), shingles(b)) == pytest.approx(expected)


def _codes(text: str):
    from storylens.group.dedupe import _word_codes, _words

    return _word_codes(_words(text))


def test_shingle_hashes_are_the_shingles() -> None:
    from storylens.group.dedupe import shingle_hashes

    for text in (FLOOD_WIRE, RECALL_ONE, "one two three", ""):
        hashes = shingle_hashes(_codes(text))
        assert len(hashes) == len(shingles(text))
        assert list(hashes) == sorted(set(hashes.tolist()))
    # the same words in another run give the same hashes (no per-process salt)
    assert shingle_hashes(_codes(FLOOD_WIRE)).tolist() == shingle_hashes(_codes(FLOOD_WIRE)).tolist()


def test_hash_and_string_containment_agree() -> None:
    from storylens.group.dedupe import shingle_hashes

    texts = [FLOOD_WIRE, FLOOD_WIRE + ADDED_PARAGRAPH, _edited(FLOOD_WIRE), FLOOD_OTHER]
    for a in texts:
        for b in texts:
            by_string = containment(shingles(a), shingles(b))
            by_hash = containment(shingle_hashes(_codes(a)), shingle_hashes(_codes(b)))
            assert by_hash == pytest.approx(by_string)


def test_sketch_bands_propose_copies_not_strangers() -> None:
    import numpy as np

    from storylens.group.dedupe import SKETCH_BINS, candidate_pairs, sketches

    texts = [FLOOD_WIRE, RECALL_ONE, FLOOD_OTHER, "Read more at our site", "", _edited(FLOOD_WIRE), "Read more at our site"]
    codes = [_codes(t) for t in texts]
    offsets = np.cumsum([0] + [len(c) for c in codes])
    sketch = sketches(np.concatenate(codes), offsets)
    # the same as sketching each text's shingle hashes on its own
    for k, c in enumerate(codes):
        assert sketch[k].tolist() == sketches(c, np.asarray([0, len(c)]))[0].tolist()
    assert sketch.shape == (len(texts), SKETCH_BINS)
    pairs = {tuple(p) for p in candidate_pairs(sketch).tolist()}
    # the edited copy and the identical fragments (one shingle: every bin borrowed) pair up;
    # different articles and the empty text do not
    assert pairs == {(0, 5), (3, 6)}
