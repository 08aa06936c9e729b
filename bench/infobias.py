"""Informational-bias benchmark: do "reported by this outlet only" facts find BASIL's ``inf`` spans?

Data: ``../shared/bench/cross-outlet-basil`` (50 events x 3 outlets, read in place). Each triplet
(the three articles of one event) is analyzed on its own with :func:`storylens.analyze_articles`;
one story is expected, and a triplet the grouping splits is still scored (and counted).

Gold: the phrase annotations with ``bias == "inf"`` (content an outlet chose to include). Their
``start``/``end`` index the one sentence (or the title) whose slice equals ``txt``; they are mapped
to the article text the way ``bench.quotes`` does. Titles are not part of the article text, so
title spans are skipped (and counted).

Scoring is at sentence level: a piece of evidence (a claim span of a fact) *hits* a gold span
when it overlaps the BASIL sentence holding that span. A fact is *single-outlet* when its status
is not ``silent`` for exactly one outlet; its evidence is its claims from that outlet.

* precision: share of single-outlet facts whose evidence hits an ``inf`` span of that outlet's
  article;
* recall: share of (body) ``inf`` spans hit by some single-outlet fact of their article;
* base_rate: the same precision over the evidence of ALL facts (one unit per fact and outlet
  that reports it): how often any fact's evidence lands on an ``inf`` sentence. ``lift`` is
  precision / base_rate: above 1, "only this outlet" is a real signal for informational bias;
* sentence_base_rate: share of all article sentences that hold an ``inf`` span.

Run ``python -m bench.infobias [--errors]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from bench.data import BENCH, BenchDataMissing
from bench.quotes import build_text
from storylens.model import Article, Fact, Outlet, Report, Span, text_id

__all__ = [
    "GoldInf",
    "InfDoc",
    "Triplet",
    "InfCounts",
    "TitleSpan",
    "GoldSpanNotFound",
    "locate_gold",
    "load_doc",
    "load_triplets",
    "single_outlet",
    "fact_evidence",
    "score_triplet",
    "evaluate",
    "as_metrics",
    "measure",
    "DATA_DIR",
]

log = logging.getLogger(__name__)

DATA_DIR = BENCH / "cross-outlet-basil"


class TitleSpan(ValueError):
    """A gold span that is in the article's title, which is not part of its text."""


class GoldSpanNotFound(ValueError):
    """A gold span whose text is at its offsets in no sentence and not in the title."""


@dataclass(frozen=True, slots=True)
class GoldInf:
    """One ``inf`` span mapped to the article text, with the BASIL sentence that holds it."""

    span: Span
    sentence: Span
    text: str


@dataclass(frozen=True, slots=True)
class InfDoc:
    """One BASIL article as the pipeline sees it, with its gold ``inf`` spans."""

    name: str
    article: Article
    sentences: tuple[Span, ...]
    gold: tuple[GoldInf, ...]
    title_spans: int = 0  # inf spans in the title: not scored
    ambiguous: int = 0  # inf spans whose text sits at those offsets of several sentences (first taken)
    not_found: int = 0


@dataclass(frozen=True, slots=True)
class Triplet:
    uuid: str
    docs: tuple[InfDoc, ...]


@dataclass(frozen=True, slots=True)
class InfCounts:
    """Counts summed over triplets; the metrics are ratios of them."""

    single_facts: int = 0
    single_hits: int = 0
    gold: int = 0
    gold_covered: int = 0
    evidence: int = 0  # (fact, reporting outlet) pairs over all facts
    evidence_hits: int = 0
    sentences: int = 0
    inf_sentences: int = 0
    triplets: int = 0
    split_triplets: int = 0  # triplets the grouping put into more than one story
    title_spans: int = 0

    def __add__(self, o: InfCounts) -> InfCounts:
        return InfCounts(*(getattr(self, f.name) + getattr(o, f.name) for f in dataclasses.fields(self)))

    @property
    def precision(self) -> float:
        return self.single_hits / self.single_facts if self.single_facts else 0.0

    @property
    def recall(self) -> float:
        return self.gold_covered / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def base_rate(self) -> float:
        return self.evidence_hits / self.evidence if self.evidence else 0.0

    @property
    def sentence_base_rate(self) -> float:
        return self.inf_sentences / self.sentences if self.sentences else 0.0

    @property
    def lift(self) -> float:
        return self.precision / self.base_rate if self.base_rate else 0.0


# --- data -----------------------------------------------------------------------------------


def locate_gold(
    sents: Sequence[tuple[int, str]], title: str | None, start: int, end: int, txt: str
) -> tuple[GoldInf, int]:
    """The gold span in article offsets and how many sentences matched it.

    The first matching sentence is taken (BASIL gives no sentence index; over the 510 ``inf``
    spans one matches two sentences). Raises :class:`TitleSpan` when only the title holds it,
    :class:`GoldSpanNotFound` when nothing does.
    """
    matches = [(o, s) for o, s in sents if s[start:end] == txt]
    if matches:
        o, s = matches[0]
        return GoldInf(Span(o + start, o + end), Span(o, o + len(s)), txt), len(matches)
    if title is not None and title[start:end] == txt:
        raise TitleSpan(txt)
    raise GoldSpanNotFound(f"{txt!r} not found at [{start}, {end}) of any sentence or the title")


def load_doc(article_path: Path, ann_path: Path) -> InfDoc:
    """One article (text built as in ``bench.quotes``) with its body ``inf`` spans."""
    data = json.loads(article_path.read_text(encoding="utf-8"))
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    text, sents, paras = build_text(data.get("body-paragraphs", []))
    title = data.get("title")
    gold: list[GoldInf] = []
    titles = ambiguous = missing = 0
    for x in ann.get("phrase-level-annotations", []):
        if x.get("bias") != "inf":
            continue
        try:
            g, n = locate_gold(sents, title, int(x["start"]), int(x["end"]), x["txt"])
        except TitleSpan:
            titles += 1
            continue
        except GoldSpanNotFound as exc:
            log.warning("%s: %s; not scored", article_path.name, exc)
            missing += 1
            continue
        ambiguous += n > 1
        gold.append(g)
    published = datetime.fromisoformat(data["date"]) if data.get("date") else None
    article = Article(
        id=text_id(text),
        outlet=Outlet(name=str(data.get("source", "")).lower()),
        text=text,
        title=title,
        url=data.get("url"),
        published=published,
        published_how="metadata" if published else None,
        paragraphs=paras,
        origin=article_path.stem,
    )
    sentences = tuple(Span(o, o + len(s)) for o, s in sents)
    return InfDoc(article_path.stem, article, sentences, tuple(gold), titles, ambiguous, missing)


def load_triplets(data_dir: Path = DATA_DIR) -> list[Triplet]:
    """The annotated articles grouped by ``triplet-uuid``, in a stable (path) order."""
    anns = sorted((data_dir / "annotations").glob("*/*_ann.json"))
    if not anns:
        raise BenchDataMissing(f"no BASIL annotations under {data_dir}")
    by_uuid: dict[str, list[InfDoc]] = defaultdict(list)
    for ann in anns:
        path = data_dir / "articles" / ann.parent.name / ann.name.replace("_ann.json", ".json")
        if not path.is_file():
            continue
        uuid = json.loads(path.read_text(encoding="utf-8"))["triplet-uuid"]
        by_uuid[uuid].append(load_doc(path, ann))
    return [Triplet(u, tuple(docs)) for u, docs in by_uuid.items()]


# --- scoring ----------------------------------------------------------------------------------


def single_outlet(fact: Fact) -> str | None:
    """The one outlet whose status is not ``silent``, or None when there are 0 or several."""
    speaking = [o for o, s in fact.status.items() if s != "silent"]
    return speaking[0] if len(speaking) == 1 else None


def fact_evidence(fact: Fact) -> dict[str, list[Span]]:
    """Evidence spans of a fact by article id, for the outlets whose status is not silent."""
    out: dict[str, list[Span]] = {}
    for c in fact.claims:
        if fact.status.get(c.outlet, "silent") != "silent":
            out.setdefault(c.article_id, []).append(c.span)
    return out


def _hits(spans: Iterable[Span], doc: InfDoc) -> list[GoldInf]:
    spans = list(spans)
    return [g for g in doc.gold if any(s.overlaps(g.sentence) for s in spans)]


def _context(doc: InfDoc, span: Span, width: int = 160) -> str:
    return doc.article.text[span.start : span.end][:width].replace("\n", " ")


def score_triplet(
    docs: Sequence[InfDoc],
    facts: Sequence[Fact],
    n_stories: int = 1,
    errors: list[str] | None = None,
) -> InfCounts:
    """Counts of one triplet, given the facts of every story its articles ended up in."""
    by_id: Mapping[str, InfDoc] = {d.article.id: d for d in docs}
    covered: set[tuple[str, Span]] = set()
    single = single_hits = evidence = evidence_hits = 0
    # per article and sentence: how many outlets the facts covering it are reported by (for errors)
    support: dict[tuple[str, Span], int] = {}
    for fact in facts:
        ev = {aid: spans for aid, spans in fact_evidence(fact).items() if aid in by_id}
        n_outlets = sum(1 for s in fact.status.values() if s != "silent")
        for aid, spans in ev.items():
            doc = by_id[aid]
            hit = _hits(spans, doc)
            evidence += 1
            evidence_hits += bool(hit)
            for sent in doc.sentences:
                if any(s.overlaps(sent) for s in spans):
                    key = (aid, sent)
                    support[key] = min(support.get(key, n_outlets), n_outlets)
        only = single_outlet(fact)
        if only is None or len(ev) != 1:
            continue
        ((aid, spans),) = ev.items()
        doc = by_id[aid]
        hit = _hits(spans, doc)
        single += 1
        single_hits += bool(hit)
        covered.update((aid, g.span) for g in hit)
        if not hit and errors is not None:
            errors.append(f"{doc.name}\tSINGLE-NOT-INF\t{only}\t{_context(doc, spans[0])!r}")
    n_gold = sum(len(d.gold) for d in docs)
    n_covered = 0
    for d in docs:
        for g in d.gold:
            if (d.article.id, g.span) in covered:
                n_covered += 1
            elif errors is not None:
                k = support.get((d.article.id, g.sentence))
                why = "no fact" if k is None else f"fact of {k} outlets"
                errors.append(
                    f"{d.name}\tMISSED-INF\t{d.article.outlet.name}\t{why}\t{g.text[:120]!r}"
                    f"\tin {_context(d, g.sentence)!r}"
                )
    inf_sentences = sum(len({g.sentence for g in d.gold}) for d in docs)
    return InfCounts(
        single_facts=single,
        single_hits=single_hits,
        gold=n_gold,
        gold_covered=n_covered,
        evidence=evidence,
        evidence_hits=evidence_hits,
        sentences=sum(len(d.sentences) for d in docs),
        inf_sentences=inf_sentences,
        triplets=1,
        split_triplets=int(n_stories > 1),
        title_spans=sum(d.title_spans for d in docs),
    )


def _report_facts(report: Report, ids: set[str]) -> tuple[list[Fact], int]:
    """Facts of the stories holding any of ``ids``, and how many such stories there are."""
    facts: list[Fact] = []
    n = 0
    for story in report.stories:
        if ids & set(story.story.article_ids):
            n += 1
            facts.extend(story.facts)
    return facts, n


def evaluate(triplets: Sequence[Triplet], errors: list[str] | None = None) -> InfCounts:
    """Run the pipeline on each triplet (one process, models loaded once) and sum the counts."""
    from storylens import analyze_articles
    from storylens.settings import Settings

    settings = Settings()
    total = InfCounts()
    for t in triplets:
        report = analyze_articles([d.article for d in t.docs], settings)
        facts, n_stories = _report_facts(report, {d.article.id for d in t.docs})
        if n_stories != 1:
            log.info("%s: triplet split into %d stories", t.uuid, n_stories)
            if errors is not None:
                errors.append(f"{t.uuid}\tSPLIT\t{n_stories} stories")
        total = total + score_triplet(t.docs, facts, n_stories, errors)
    return total


def as_metrics(c: InfCounts) -> dict[str, float]:
    return {
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
        "base_rate": c.base_rate,
        "lift": c.lift,
        "sentence_base_rate": c.sentence_base_rate,
        "split_triplets": float(c.split_triplets),
    }


def measure() -> dict[str, float]:
    """Single-outlet facts vs BASIL informational bias: precision, recall, F1, base rates."""
    return as_metrics(evaluate(load_triplets()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--errors", action="store_true", help="list single-outlet facts off inf spans, missed inf spans")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    triplets = load_triplets(args.data)
    errors: list[str] | None = [] if args.errors else None
    c = evaluate(triplets, errors)
    out = sys.stdout
    out.write(
        f"BASIL, {c.triplets} triplets ({c.split_triplets} split by grouping), {c.gold} inf spans scored "
        f"({c.title_spans} in titles skipped)\n"
        f"precision            {100 * c.precision:6.2f}  ({c.single_hits}/{c.single_facts} single-outlet facts)\n"
        f"recall               {100 * c.recall:6.2f}  ({c.gold_covered}/{c.gold} inf spans)\n"
        f"f1                   {100 * c.f1:6.2f}\n"
        f"base rate            {100 * c.base_rate:6.2f}  ({c.evidence_hits}/{c.evidence} evidence of all facts)\n"
        f"lift                 {c.lift:6.2f}\n"
        f"sentence base rate   {100 * c.sentence_base_rate:6.2f}  ({c.inf_sentences}/{c.sentences} sentences)\n"
    )
    if errors:
        out.write("\n".join(errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
