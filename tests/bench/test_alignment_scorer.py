"""The cross-outlet alignment scorer on a hand-made gold story (no models, no shared data)."""

from __future__ import annotations

from bench.alignment import FACTUAL, GoldStory, Mapped, _locator, score
from storylens.model import Article, Outlet, Span


def _story(position: int = 0) -> GoldStory:
    a = Article(id="a", outlet=Outlet("A"), text="One two. Three four.")
    b = Article(id="b", outlet=Outlet("B"), text="Five six. Seven eight.")
    t = "t1"
    return GoldStory(
        triplet=t,
        position=position,
        articles={"A": a, "B": b},
        sentences={"A": (("A0.0", Span(0, 8)), ("A0.1", Span(9, 20))), "B": (("B0.0", Span(0, 9)), ("B0.1", Span(10, 22)))},
        same={frozenset({(t, "A0.0"), (t, "B0.0")}): "full", frozenset({(t, "A0.1"), (t, "B0.1")}): "partial"},
        conflicts={frozenset({(t, "A0.1"), (t, "B0.0")}): "number"},
    )


def test_locator_picks_the_sentence_a_claim_overlaps_most():
    locate = _locator([_story()])
    assert locate("a", Span(0, 3)) == ("t1", "A0.0")
    assert locate("a", Span(6, 20)) == ("t1", "A0.1")
    assert locate("zzz", Span(0, 3)) is None


def test_pairs_shared_sentences_and_conflicts_are_counted_as_defined():
    g = _story()
    t = g.triplet
    m = Mapped(
        pairs={frozenset({(t, "A0.0"), (t, "B0.0")}), frozenset({(t, "A0.0"), (t, "B0.1")})},
        shared={(t, "A0.0"), (t, "B0.0"), (t, "B0.1")},
        conflicts=[("number", {frozenset({(t, "A0.1"), (t, "B0.0")})}, ""), ("date", {frozenset({(t, "A0.0"), (t, "B0.1")})}, "")],
    )
    got = score(m, [g]).metrics()
    assert got["pair_precision"] == 0.5  # one of two shown pairs is gold
    assert got["full_pair_recall"] == 1.0  # the one full pair is found
    assert got["shared_precision"] == 1.0  # all three shown sentences are in some gold pair
    assert got["shared_recall"] == 1.0  # both sentences of the full pair are shown as shared
    assert got["conflict_precision"] == 0.5
    assert got["conflict_recall"] == 1.0
    assert got["factual_conflict_precision"] == 0.5 and "number" in FACTUAL


def test_an_empty_report_finds_nothing_and_shows_no_false_conflict():
    got = score(Mapped(), [_story()]).metrics()
    assert got["pair_precision"] == 0.0 and got["full_pair_recall"] == 0.0
    assert got["conflicts_shown"] == 0.0 and got["conflict_recall"] == 0.0


def test_tune_and_check_halves_alternate_in_triplet_order():
    assert _story(0).tune and not _story(1).tune and _story(2).tune


def test_an_omission_is_false_when_the_outlet_has_a_gold_partner_of_the_evidence():
    g = _story()
    t = g.triplet
    all_b = {(t, "B0.0"), (t, "B0.1")}
    m = Mapped(
        omissions=[
            (t, {(t, "A0.0")}, all_b, True),  # B0.0 is A0.0's gold partner: B did report it
            (t, {(t, "A0.1")}, set(), False),  # an outlet with no partner sentence: a true omission
        ]
    )
    got = score(m, [g]).metrics()
    assert got["omission_precision"] == 0.5
    assert got["first_omission_precision"] == 0.0


def test_fact_confidence_is_checked_band_by_band():
    g = _story()
    t = g.triplet
    right, wrong = frozenset({(t, "A0.0"), (t, "B0.0")}), frozenset({(t, "A0.0"), (t, "B0.1")})
    m = Mapped(facts=[(0.95, {right}), (0.92, {right, wrong}), (0.6, {wrong}), (1.0, {right})])
    got = score(m, [g]).metrics()
    # a fact is right only when every pair of it is gold
    assert got["facts_conf_90_100"] == 3.0 and got["fact_precision_conf_90_100"] == round(2 / 3, 4)
    assert got["mean_confidence_90_100"] == round((0.95 + 0.92 + 1.0) / 3, 4)
    assert got["fact_precision_conf_50_70"] == 0.0 and "fact_precision_conf_0_50" not in got
    gap = (3 * abs(2 / 3 - (0.95 + 0.92 + 1.0) / 3) + 1 * abs(0.0 - 0.6)) / 4
    assert got["fact_calibration_gap"] == round(gap, 4)
