"""The BASIL informational-bias scorer of bench/infobias.py on hand-made triplets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.infobias import (
    GoldInf,
    GoldSpanNotFound,
    InfCounts,
    InfDoc,
    TitleSpan,
    as_metrics,
    fact_evidence,
    load_doc,
    load_triplets,
    locate_gold,
    score_triplet,
    single_outlet,
)
from bench.quotes import build_text
from storylens.model import Article, ClaimRef, Fact, Outlet, Span

# --- gold span mapping ------------------------------------------------------------------------

SENTS = [(0, "The mayor resigned."), (20, "Critics called it overdue."), (47, "The mayor resigned.")]


@pytest.mark.parametrize(
    "start, end, txt, span, sentence, n",
    [
        (4, 9, "mayor", Span(4, 9), Span(0, 19), 2),  # in two sentences: the first is taken
        (8, 26, "called it overdue.", Span(28, 46), Span(20, 46), 1),
        (0, 7, "Critics", Span(20, 27), Span(20, 46), 1),
    ],
)
def test_locate_gold_maps_sentence_offsets(start, end, txt, span, sentence, n):
    g, matches = locate_gold(SENTS, "A title", start, end, txt)
    assert (g.span, g.sentence, g.text, matches) == (span, sentence, txt, n)


def test_locate_gold_title_and_missing():
    with pytest.raises(TitleSpan):
        locate_gold(SENTS, "Mayor quits in disgrace", 15, 23, "disgrace")
    with pytest.raises(GoldSpanNotFound):
        locate_gold(SENTS, "Mayor quits in disgrace", 0, 5, "Nobody")
    with pytest.raises(GoldSpanNotFound):  # right text at the wrong offsets is not a match
        locate_gold(SENTS, None, 1, 10, "The mayor")


def _write_pair(root: Path, year: str, name: str, uuid: str, source: str, paragraphs, title, anns) -> None:
    (root / "articles" / year).mkdir(parents=True, exist_ok=True)
    (root / "annotations" / year).mkdir(parents=True, exist_ok=True)
    article = {"source": source, "title": title, "date": "2012-05-01", "triplet-uuid": uuid, "body-paragraphs": paragraphs}
    (root / "articles" / year / f"{name}.json").write_text(json.dumps(article), encoding="utf-8")
    ann = {"phrase-level-annotations": anns, "triplet-uuid": uuid}
    (root / "annotations" / year / f"{name}_ann.json").write_text(json.dumps(ann), encoding="utf-8")


def _ann(bias: str, start: int, end: int, txt: str) -> dict:
    return {"bias": bias, "start": start, "end": end, "txt": txt, "quote": "no", "speaker": ""}


def test_load_doc_keeps_body_inf_spans_and_counts_title_spans(tmp_path):
    paragraphs = [["The dam failed at dawn.", "Residents had warned for years."], ["Officials declined to comment."]]
    anns = [
        _ann("inf", 0, 30, "Residents had warned for years"),
        _ann("lex", 10, 16, "failed"),  # lexical: not this benchmark
        _ann("inf", 4, 12, "disaster"),  # in the title only
        _ann("inf", 0, 30, "Officials declined to comment."),
    ]
    _write_pair(tmp_path, "2012", "t1_1", "t1", "HPO", paragraphs, "Dam disaster looms", anns)
    doc = load_doc(tmp_path / "articles/2012/t1_1.json", tmp_path / "annotations/2012/t1_1_ann.json")
    text = doc.article.text
    assert text == "The dam failed at dawn. Residents had warned for years.\n\nOfficials declined to comment."
    assert doc.article.outlet.name == "hpo"  # upper-case sources are lowered
    assert (doc.title_spans, doc.not_found) == (1, 0)
    assert [g.text for g in doc.gold] == ["Residents had warned for years", "Officials declined to comment."]
    assert all(g.span.of(text) == g.text for g in doc.gold)
    assert [g.sentence.of(text) for g in doc.gold] == ["Residents had warned for years.", "Officials declined to comment."]
    assert [s.of(text) for s in doc.sentences] == [s for p in paragraphs for s in p]


def test_load_triplets_groups_by_triplet_uuid(tmp_path):
    for k, src in enumerate(["fox", "nyt", "hpo"], 1):
        _write_pair(tmp_path, "2011", f"a_{k}", "A", src, [[f"Story A by {src}."]], "A", [])
    _write_pair(tmp_path, "2013", "b_1", "B", "fox", [["Story B."]], "B", [])
    triplets = {t.uuid: [d.article.outlet.name for d in t.docs] for t in load_triplets(tmp_path)}
    assert triplets == {"A": ["fox", "nyt", "hpo"], "B": ["fox"]}


# --- scoring ----------------------------------------------------------------------------------


def make_doc(outlet: str, sentences: list[str], inf: list[str]) -> InfDoc:
    """A one-paragraph article; each ``inf`` string is marked where it first occurs."""
    text, sents, paras = build_text([sentences])
    gold = []
    for sub in inf:
        off, s = next((o, s) for o, s in sents if sub in s)
        i = off + s.index(sub)
        gold.append(GoldInf(Span(i, i + len(sub)), Span(off, off + len(s)), sub))
    article = Article(id=f"id-{outlet}", outlet=Outlet(outlet), text=text, paragraphs=paras)
    return InfDoc(outlet, article, tuple(Span(o, o + len(s)) for o, s in sents), tuple(gold))


FOX = make_doc("fox", ["The bill passed.", "Critics say it costs jobs.", "It takes effect in May."], ["costs jobs"])
NYT = make_doc("nyt", ["The bill passed narrowly.", "Unions praised it.", "Its sponsor was indicted."], ["Unions praised it", "sponsor was indicted"])
HPO = make_doc("hpo", ["Lawmakers passed the bill.", "Opponents rallied outside."], [])
DOCS = (FOX, NYT, HPO)


def ref(doc: InfDoc, sub: str) -> ClaimRef:
    i = doc.article.text.index(sub)
    return ClaimRef(doc.article.id, doc.article.outlet.name, Span(i, i + len(sub)), sub)


def fact(*refs: ClaimRef, status: dict[str, str] | None = None) -> Fact:
    st = {o: "silent" for o in ("fox", "nyt", "hpo")}
    for r in refs:
        st[r.outlet] = "reported"
    st.update(status or {})
    return Fact(id="f" + str(abs(hash(refs))), text=refs[0].text, claims=refs, status=st, independent_support=1)


@pytest.mark.parametrize(
    "f, expected",
    [
        (fact(ref(FOX, "The bill passed.")), "fox"),
        (fact(ref(FOX, "The bill passed."), ref(NYT, "The bill passed narrowly.")), None),
        (fact(ref(FOX, "The bill passed."), status={"fox": "hedged"}), "fox"),  # hedged still reports
        # the other outlet's claim contradicts: two outlets speak, so not "this outlet only"
        (fact(ref(FOX, "The bill passed."), ref(NYT, "The bill passed narrowly."), status={"nyt": "contradicted"}), None),
    ],
)
def test_single_outlet(f, expected):
    assert single_outlet(f) == expected


def test_fact_evidence_ignores_silent_outlets():
    f = fact(ref(FOX, "The bill passed."), ref(NYT, "Unions praised it."), status={"nyt": "silent"})
    assert fact_evidence(f) == {FOX.article.id: [ref(FOX, "The bill passed.").span]}


@pytest.mark.parametrize(
    "evidence, hit",
    [
        ("costs jobs", True),  # the gold span itself
        ("Critics say it", True),  # a clause of the gold sentence that misses the span: same sentence
        ("It takes effect", False),  # the next sentence
        ("passed. Critics", True),  # crosses into the gold sentence
        ("The bill passed.", False),
    ],
)
def test_overlap_is_at_sentence_level(evidence, hit):
    c = score_triplet(DOCS, [fact(ref(FOX, evidence))])
    assert (c.single_facts, c.single_hits, c.gold_covered) == (1, int(hit), int(hit))


def test_inf_span_of_another_outlet_does_not_count():
    # nyt's first sentence [0, 25) overlaps the offsets of fox's inf sentence [17, 43): a scorer
    # that ignored which article a span indexes would count a hit
    assert NYT.article.text[:25] == "The bill passed narrowly." and FOX.gold[0].sentence == Span(17, 43)
    c = score_triplet(DOCS, [fact(ref(NYT, "The bill passed narrowly."))])
    assert (c.single_facts, c.single_hits, c.gold_covered) == (1, 0, 0)


def test_counts_precision_recall_and_base_rate():
    facts = [
        fact(ref(FOX, "The bill passed."), ref(NYT, "The bill passed narrowly."), ref(HPO, "Lawmakers passed the bill.")),
        fact(ref(FOX, "Critics say it costs jobs."), ref(NYT, "Unions praised it.")),  # two outlets, both on inf
        fact(ref(NYT, "Its sponsor was indicted.")),  # single, hit
        fact(ref(FOX, "It takes effect in May.")),  # single, miss
        fact(ref(HPO, "Opponents rallied outside.")),  # single, miss (hpo has no inf span)
    ]
    errors: list[str] = []
    c = score_triplet(DOCS, facts, errors=errors)
    assert (c.single_facts, c.single_hits) == (3, 1)
    assert (c.gold, c.gold_covered) == (3, 1)  # "costs jobs" and "Unions praised it" only in a 2-outlet fact
    # evidence units: 3 + 2 + 1 + 1 + 1 = 8; on inf sentences: fox and nyt of fact 2, nyt of fact 3
    assert (c.evidence, c.evidence_hits) == (8, 3)
    assert (c.sentences, c.inf_sentences) == (8, 3)
    assert c.precision == pytest.approx(1 / 3)
    assert c.recall == pytest.approx(1 / 3)
    assert c.base_rate == pytest.approx(3 / 8)
    assert c.lift == pytest.approx((1 / 3) / (3 / 8))
    assert c.sentence_base_rate == pytest.approx(3 / 8)
    kinds = sorted(e.split("\t")[1] for e in errors)
    assert kinds == ["MISSED-INF", "MISSED-INF", "SINGLE-NOT-INF", "SINGLE-NOT-INF"]
    assert any("fact of 2 outlets" in e for e in errors if "MISSED-INF" in e)


def test_a_split_triplet_is_scored_and_counted():
    c = score_triplet(DOCS, [fact(ref(NYT, "Its sponsor was indicted."))], n_stories=2)
    assert (c.triplets, c.split_triplets, c.single_hits) == (1, 1, 1)


def test_counts_add_and_metrics_of_empty_counts():
    a = InfCounts(single_facts=4, single_hits=1, gold=2, gold_covered=1, evidence=10, evidence_hits=2, triplets=1)
    b = InfCounts(single_facts=6, single_hits=4, gold=8, gold_covered=3, evidence=10, evidence_hits=3, triplets=1, split_triplets=1)
    s = a + b
    assert (s.single_facts, s.single_hits, s.gold, s.gold_covered, s.triplets, s.split_triplets) == (10, 5, 10, 4, 2, 1)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.4)
    assert s.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert s.base_rate == pytest.approx(0.25)
    assert s.lift == pytest.approx(2.0)
    m = as_metrics(InfCounts())
    assert m["precision"] == m["recall"] == m["f1"] == m["base_rate"] == m["lift"] == 0.0
