"""The PolNeAR scorer of bench/attribution.py on tiny hand-made gold and predictions."""

from __future__ import annotations

import pytest

from bench.attribution import Counts, GoldSpan, load_ann, match, predict, score_doc, trim
from storylens.model import Quote, SourceRef, Span

TEXT = 'Officials said, "The plan is dead." Mayor Ana Ruiz told the Ledger that talks failed.'


def gold(*ranges: tuple[int, int]) -> GoldSpan:
    return GoldSpan(tuple(ranges))


def at(sub: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


@pytest.mark.parametrize(
    "span, expected",
    [
        (at('"The plan is dead."'), at("The plan is dead")),  # quote marks and full stop
        (at(" said, "), at("said")),  # spaces and comma
        (at(","), at(",")),  # all punctuation: kept as it is
        (at("Officials"), at("Officials")),
    ],
)
def test_trim_strips_whitespace_and_punctuation_at_the_edges(span, expected):
    assert trim(TEXT, *span) == expected


@pytest.mark.parametrize(
    "g, p, exact, overlap",
    [
        (at('"The plan is dead."'), at("The plan is dead"), 1, 1),  # equal after trimming
        (at("Mayor Ana Ruiz"), at("Ana Ruiz"), 0, 1),  # overlap only
        (at("Officials"), at("Mayor"), 0, 0),  # disjoint
        (at("that talks failed"), at("talks failed."), 0, 1),  # a leading word is not trimmed
    ],
)
def test_exact_versus_overlap(g, p, exact, overlap):
    c = score_doc(TEXT, [gold(g)], [Span(*p)])
    assert (c.exact, c.overlap) == (exact, overlap)


def test_each_gold_and_each_prediction_is_used_once():
    # two predictions inside one gold: one match, the other prediction is a false positive
    g = [gold(at("Mayor Ana Ruiz"))]
    p = [Span(*at("Mayor")), Span(*at("Ana Ruiz"))]
    c = score_doc(TEXT, g, p)
    assert (c.n_gold, c.n_pred, c.overlap) == (1, 2, 1)
    # one prediction over two golds: it matches only one
    g2 = [gold(at("Mayor")), gold(at("Ana Ruiz"))]
    assert score_doc(TEXT, g2, [Span(*at("Mayor Ana Ruiz"))]).overlap == 1


def test_exact_pairs_win_over_larger_overlaps():
    g = [gold(at("Mayor Ana Ruiz")), gold(at("Ana Ruiz"))]
    p = [Span(*at("Ana Ruiz")), Span(*at("Mayor Ana Ruiz told"))]
    pairs = match(TEXT, g, p, exact=False)
    assert sorted(pairs) == [(0, 1), (1, 0)]


def test_a_gold_of_several_ranges_overlaps_through_any_range_and_is_exact_by_its_extent():
    g = gold(at("Officials"), at("The plan is dead"))
    assert score_doc(TEXT, [g], [Span(*at("The plan"))]).overlap == 1
    whole = Span(at("Officials")[0], at("The plan is dead")[1])
    assert score_doc(TEXT, [g], [whole]).exact == 1


@pytest.mark.parametrize(
    "c, mode, prf",
    [
        (Counts(n_gold=4, n_pred=2, exact=1, overlap=2), "exact", (0.5, 0.25, 1 / 3)),
        (Counts(n_gold=4, n_pred=2, exact=1, overlap=2), "overlap", (1.0, 0.5, 2 / 3)),
        (Counts(n_gold=0, n_pred=0), "exact", (0.0, 0.0, 0.0)),
    ],
)
def test_precision_recall_f1(c, mode, prf):
    assert c.prf(mode) == pytest.approx(prf)


def test_load_ann_reads_roles_and_discontinuous_spans():
    ann = "\n".join(
        [
            "T1\tSource 0 9\tOfficials",
            "T2\tCue 10 14\tsaid",
            "T3\tContent 17 33;40 45\tThe plan is dead ... Ruiz",
            "T4\tAttribution 10 14\tsaid",
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
            "T5\tDiscard 0 3\tOff",
            "T6\tCue 10 14\tsaid",
        ]
    )
    g = load_ann(ann)
    assert g["source"] == (GoldSpan(((0, 9),)),)
    assert g["cue"] == (GoldSpan(((10, 14),)),)  # the duplicate cue is one gold span
    assert g["content"] == (GoldSpan(((17, 33), (40, 45))),)


def test_predict_maps_sources_cues_and_contents_and_drops_recipients():
    cue = Span(*at("told"))
    ruiz = SourceRef(Span(*at("Mayor Ana Ruiz")), "Mayor Ana Ruiz", "person", name="Ana Ruiz", via="Ledger", cue=cue)
    ledger = SourceRef(Span(*at("Ledger")), "Ledger", "outlet", name="Ledger", cue=cue)
    content = Span(*at("talks failed"))
    q = Quote(content, "talks failed", "indirect", speaker=ruiz, cue=cue)
    pred = predict([ruiz, ledger], [q])
    assert pred == {"source": (ruiz.span,), "cue": (cue,), "content": (content,)}
