"""Cross-outlet alignment benchmark: the facts × outlets table against hand annotation.

Reads ``../shared/bench/cross-outlet-alignment/gold.json`` (15 BASIL stories, each told by Fox
News, The New York Times and HuffPost, annotated sentence by sentence: which sentence pairs of two
outlets state the same fact, fully or partly, and which disagree). The articles are rebuilt from
the gold sentences exactly as its README says (paragraphs joined by a blank line, a paragraph's
sentences by one space), dated and named from their BASIL files, and analyzed by storylens - all
45 together (the stories are found by storylens), or story by story with ``--by-story``.

Every claim of the report is mapped to the gold sentence of its article that it overlaps most.
Then, as the README defines them:

- pair precision: of the pairs of claims of different outlets that the report puts in one fact
  (as reported, hedged or contradicted - a "related" alignment is not a claim that two outlets
  report the same thing), the share that are gold ``same`` pairs (full or partial);
- full-pair recall: of the gold ``full`` pairs, the share the report puts in one fact;
- shared-sentence precision / recall: a sentence is shared when it is in a gold pair; the report
  says so when its claim is in a fact with another outlet's claim. As for pairs, precision is
  judged against every gold pair and recall counts the sentences of ``full`` pairs (the README:
  the full/partial line is a judgment call);
- conflicts: a conflict shown is right when two of its claims are a gold conflict pair; precision
  and recall overall and over the factual kinds (number, date, actor, place, negation);
- omission precision: an omission ("outlet O left out fact F") is false when a sentence of O's
  article is a gold "same" partner of a sentence of F's evidence; also for the first omission
  listed per outlet and story (the best supported, which a reader sees first).

Tuning and checking are kept apart: the stories at even positions in triplet order (8 of 15) are
the tuning half; the other 7 are only checked. ``measure()`` reports both halves and the whole.

    python -m bench.alignment                # all 45 articles together, tune / check / all
    python -m bench.alignment --by-story     # each story analyzed alone
    python -m bench.alignment --errors FILE  # false pairs, missed pairs, conflicts, to read
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from bench.data import BENCH, BenchDataMissing
from storylens.model import Article, Outlet, Report, Span, text_id

__all__ = ["GoldStory", "load_gold", "score", "measure", "main"]

log = logging.getLogger(__name__)

DATA = BENCH / "cross-outlet-alignment" / "gold.json"
BASIL = BENCH / "cross-outlet-basil"
OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
# statuses under which a fact says an outlet reports its statement
SHARED = frozenset({"reported", "hedged", "contradicted"})
FACTUAL = frozenset({"number", "date", "actor", "place", "negation"})
# our conflict kinds -> the gold kind family they answer
_KIND = {"number": "number", "date": "date", "negation": "negation", "entity": "place", "place": "place",
         "actor": "actor", "attribution": "quote", "quote": "quote"}

Sid = tuple[str, str]  # (triplet, "B3.1")
# Bands of a fact's confidence (its weakest same-fact probability between two outlets) for the
# calibration check: a fact is right when every pair of its sentences is a gold pair.
CONFIDENCE_BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0))


@dataclass(frozen=True, slots=True)
class GoldStory:
    triplet: str
    position: int
    articles: Mapping[str, Article]  # letter -> article
    sentences: Mapping[str, tuple[tuple[str, Span], ...]]  # letter -> (sid, span) in text order
    same: Mapping[frozenset[Sid], str]  # pair -> full | partial
    conflicts: Mapping[frozenset[Sid], str]  # pair -> kind

    @property
    def tune(self) -> bool:
        return self.position % 2 == 0


def _sid_key(sid: str) -> tuple[int, int]:
    p, s = sid[1:].split(".")
    return int(p), int(s)


def _article(triplet: str, letter: str, meta: Mapping, sents: Mapping[str, str]) -> tuple[Article, tuple]:
    data = json.loads((BASIL / meta["file"]).read_text(encoding="utf-8"))
    paras: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for sid in sorted(sents, key=_sid_key):
        paras[_sid_key(sid)[0]].append((sid, sents[sid]))
    parts: list[str] = []
    spans: list[tuple[str, Span]] = []
    para_spans: list[Span] = []
    pos = 0
    for p in sorted(paras):
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        for k, (sid, s) in enumerate(paras[p]):
            if k:
                parts.append(" ")
                pos += 1
            spans.append((sid, Span(pos, pos + len(s))))
            parts.append(s)
            pos += len(s)
        para_spans.append(Span(start, pos))
    text = "".join(parts)
    published = datetime.fromisoformat(data["date"]) if data.get("date") else None
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    source = str(meta["source"]).lower()
    article = Article(
        id=text_id(text),
        outlet=Outlet(name=OUTLETS.get(source, source)),
        text=text,
        title=meta.get("title") or data.get("title"),
        url=data.get("url"),
        published=published,
        published_how="metadata" if published else None,
        paragraphs=tuple(para_spans),
        origin=f"{triplet[:8]}-{letter}-{source}",
    )
    return article, tuple(spans)


def load_gold(path: Path = DATA) -> list[GoldStory]:
    """The annotated stories in triplet order, with their articles rebuilt from the gold sentences."""
    if not path.is_file():
        raise BenchDataMissing(f"{path}: cross-outlet-alignment gold not found")
    raw = sorted(json.loads(path.read_text(encoding="utf-8")), key=lambda e: e["triplet"])
    out = []
    for k, e in enumerate(raw):
        t = e["triplet"]
        arts, sents = {}, {}
        for letter, meta in sorted(e["articles"].items()):
            arts[letter], sents[letter] = _article(t, letter, meta, e["sentences"][letter])
        same = {frozenset({(t, a), (t, b)}): kind for a, b, kind in e["same"]}
        conflicts = {frozenset({(t, a), (t, b)}): kind for a, b, kind, *_ in e["conflict"]}
        out.append(GoldStory(t, k, arts, sents, same, conflicts))
    return out


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class Counts:
    pairs: int = 0
    pairs_right: int = 0
    full: int = 0
    full_found: int = 0
    gold_shared: int = 0
    shown_shared: int = 0
    shared_right: int = 0
    shared_found: int = 0
    conflicts: int = 0
    conflicts_right: int = 0
    factual_shown: int = 0
    factual_right: int = 0
    gold_conflicts: int = 0
    gold_conflicts_found: int = 0
    gold_factual: int = 0
    gold_factual_found: int = 0
    omissions: int = 0
    omissions_right: int = 0
    first_omissions: int = 0
    first_omissions_right: int = 0
    # per confidence band (CONFIDENCE_BANDS): facts, facts whose every pair is a gold pair, and
    # the sum of their confidences
    band_facts: list[int] = field(default_factory=lambda: [0] * len(CONFIDENCE_BANDS))
    band_right: list[int] = field(default_factory=lambda: [0] * len(CONFIDENCE_BANDS))
    band_confidence: list[float] = field(default_factory=lambda: [0.0] * len(CONFIDENCE_BANDS))

    def metrics(self) -> dict[str, float]:
        def r(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        return {
            "pair_precision": r(self.pairs_right, self.pairs),
            "full_pair_recall": r(self.full_found, self.full),
            "shared_precision": r(self.shared_right, self.shown_shared),
            "shared_recall": r(self.shared_found, self.gold_shared),
            "conflicts_shown": float(self.conflicts),
            "conflict_precision": r(self.conflicts_right, self.conflicts) if self.conflicts else 1.0,
            "conflict_recall": r(self.gold_conflicts_found, self.gold_conflicts),
            "factual_conflict_precision": r(self.factual_right, self.factual_shown) if self.factual_shown else 1.0,
            "factual_conflict_recall": r(self.gold_factual_found, self.gold_factual),
            "omission_precision": r(self.omissions_right, self.omissions),
            "first_omission_precision": r(self.first_omissions_right, self.first_omissions),
            **self.calibration(),
        }

    def calibration(self) -> dict[str, float]:
        """Per confidence band, the share of facts of two or more outlets whose every pair of
        sentences is a gold pair, and the mean confidence there; and the gap between the two,
        weighted by the facts in each band (0 for a perfectly calibrated confidence)."""
        out: dict[str, float] = {}
        gap = 0.0
        for k, (lo, hi) in enumerate(CONFIDENCE_BANDS):
            n = self.band_facts[k]
            name = f"{int(lo * 100)}_{int(hi * 100)}"
            out[f"facts_conf_{name}"] = float(n)
            if n:
                right, mean = self.band_right[k] / n, self.band_confidence[k] / n
                out[f"fact_precision_conf_{name}"] = round(right, 4)
                out[f"mean_confidence_{name}"] = round(mean, 4)
                gap += n * abs(right - mean)
        total = sum(self.band_facts)
        out["fact_calibration_gap"] = round(gap / total, 4) if total else 0.0
        return out


@dataclass
class Mapped:
    """The report seen through the gold sentences."""

    pairs: set[frozenset[Sid]] = field(default_factory=set)
    shared: set[Sid] = field(default_factory=set)
    conflicts: list[tuple[str, set[frozenset[Sid]], str]] = field(default_factory=list)  # kind, pairs, detail
    # per omission: (triplet of its fact, gold sentences of the fact's evidence, sentences of the
    # omitting outlet's articles, whether it is that outlet's first in its story)
    omissions: list[tuple[str, set[Sid], set[Sid], bool]] = field(default_factory=list)
    # per fact of two or more outlets with a confidence: (confidence, its pairs of sentences of
    # different outlets)
    facts: list[tuple[float, set[frozenset[Sid]]]] = field(default_factory=list)


def _locator(stories: Sequence[GoldStory]):
    where: dict[str, tuple[str, tuple[tuple[str, Span], ...]]] = {}
    for g in stories:
        for letter, a in g.articles.items():
            where[a.id] = (g.triplet, g.sentences[letter])

    def locate(article_id: str, span: Span) -> Sid | None:
        if article_id not in where:
            return None
        triplet, sents = where[article_id]
        best, best_overlap = None, 0
        for sid, s in sents:
            overlap = min(s.end, span.end) - max(s.start, span.start)
            if overlap > best_overlap:
                best, best_overlap = sid, overlap
        return (triplet, best) if best is not None else None

    return locate


def map_report(report: Report, stories: Sequence[GoldStory]) -> Mapped:
    locate = _locator(stories)
    sids_of = {a.id: [(g.triplet, sid) for sid, _ in g.sentences[letter]] for g in stories for letter, a in g.articles.items()}

    def all_sids(article_id: str) -> list[Sid]:
        return sids_of.get(article_id, [])

    out = Mapped()
    for sr in report.stories:
        for fact in sr.facts:
            located = []
            for c in fact.claims:
                if fact.status.get(c.outlet) not in SHARED:
                    continue
                sid = locate(c.article_id, c.span)
                if sid is not None:
                    located.append((c.article_id, sid))
            fact_pairs = set()
            for (a1, s1), (a2, s2) in combinations(located, 2):
                if a1 != a2:
                    out.pairs.add(frozenset({s1, s2}))
                    out.shared.update((s1, s2))
                    fact_pairs.add(frozenset({s1, s2}))
            if fact_pairs and fact.confidence is not None:
                out.facts.append((fact.confidence, fact_pairs))
        facts = {f.id: f for f in sr.facts}
        seen_first: set[str] = set()
        for om in sr.omissions:
            fact = facts.get(om.fact_id)
            if fact is None:
                continue
            evidence = {sid for c in fact.claims if (sid := locate(c.article_id, c.span)) is not None}
            own = {
                sid
                for a in sr.articles
                if a.outlet.name == om.outlet
                for sid in all_sids(a.id)
            }
            if evidence:
                out.omissions.append((min(evidence)[0], evidence, own, om.outlet not in seen_first))
                seen_first.add(om.outlet)
        for conflict in sr.conflicts:
            located = [(c.article_id, locate(c.article_id, c.span)) for c in conflict.claims]
            pairs = {
                frozenset({s1, s2})
                for (a1, s1), (a2, s2) in combinations(located, 2)
                if a1 != a2 and s1 is not None and s2 is not None
            }
            out.conflicts.append((conflict.kind, pairs, conflict.detail))
    return out


def score(mapped: Mapped, stories: Sequence[GoldStory]) -> Counts:
    """Counts over the given gold stories (pairs are attributed to the story of their sentences)."""
    triplets = {g.triplet for g in stories}
    c = Counts()
    same = {p: k for g in stories for p, k in g.same.items()}
    gold_conf = {p: k for g in stories for p, k in g.conflicts.items()}
    for p in mapped.pairs:
        if min(p)[0] in triplets:
            c.pairs += 1
            c.pairs_right += p in same
    full = [p for p, k in same.items() if k == "full"]
    c.full = len(full)
    c.full_found = sum(p in mapped.pairs for p in full)
    gold_shared = {s for p in same for s in p}
    gold_full_shared = {s for p in full for s in p}
    shown = {s for s in mapped.shared if s[0] in triplets}
    c.shown_shared, c.shared_right = len(shown), len(shown & gold_shared)
    c.gold_shared, c.shared_found = len(gold_full_shared), len(shown & gold_full_shared)
    found: set[frozenset[Sid]] = set()
    for kind, pairs, _ in mapped.conflicts:
        if not pairs or min(min(pairs))[0] not in triplets:
            continue
        right = pairs & set(gold_conf)
        found |= right
        c.conflicts += 1
        c.conflicts_right += bool(right)
        if _KIND.get(kind, kind) in FACTUAL:
            c.factual_shown += 1
            c.factual_right += bool(right)
    c.gold_conflicts = len(gold_conf)
    c.gold_conflicts_found = len(found & set(gold_conf))
    factual = {p for p, k in gold_conf.items() if k in FACTUAL}
    c.gold_factual = len(factual)
    c.gold_factual_found = len(found & factual)
    partners: dict[Sid, set[Sid]] = {}
    for p in same:
        a, b = tuple(p)
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    for confidence, pairs in mapped.facts:
        if min(min(pairs))[0] not in triplets:
            continue
        k = next(k for k, (lo, hi) in enumerate(CONFIDENCE_BANDS) if lo <= confidence < hi or hi == 1.0 and confidence == 1.0)
        c.band_facts[k] += 1
        c.band_right[k] += all(p in same for p in pairs)
        c.band_confidence[k] += confidence
    for triplet, evidence, own, first in mapped.omissions:
        if triplet not in triplets:
            continue
        right = not any(partners.get(s, set()) & own for s in evidence)
        c.omissions += 1
        c.omissions_right += right
        c.first_omissions += first
        c.first_omissions_right += first and right
    return c


def analyze(stories: Sequence[GoldStory], by_story: bool = False) -> Mapped:
    from storylens import analyze_articles
    from storylens.settings import Settings

    settings = Settings()
    if not by_story:
        arts = [a for g in stories for a in g.articles.values()]
        return map_report(analyze_articles(arts, settings), stories)
    merged = Mapped()
    for g in stories:
        m = map_report(analyze_articles(list(g.articles.values()), settings), [g])
        merged.pairs |= m.pairs
        merged.shared |= m.shared
        merged.conflicts += m.conflicts
        merged.omissions += m.omissions
        merged.facts += m.facts
    return merged


def results(mapped: Mapped, stories: Sequence[GoldStory], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for name, subset in (("tune", [g for g in stories if g.tune]), ("check", [g for g in stories if not g.tune]), ("all", list(stories))):
        for metric, value in score(mapped, subset).metrics().items():
            out[f"{prefix}{name}_{metric}"] = value
    return out


def measure() -> dict[str, float]:
    """All 45 articles analyzed together: tune / check / all halves of every metric."""
    stories = load_gold()
    return results(analyze(stories), stories)


# --- reading the errors ---------------------------------------------------------------------


def write_errors(mapped: Mapped, stories: Sequence[GoldStory], out: Path) -> None:
    text: dict[Sid, str] = {}
    outlet: dict[Sid, str] = {}
    for g in stories:
        for letter, sents in g.sentences.items():
            a = g.articles[letter]
            for sid, span in sents:
                text[(g.triplet, sid)] = a.text[span.start : span.end]
                outlet[(g.triplet, sid)] = a.outlet.name
    same = {p: k for g in stories for p, k in g.same.items()}
    gold_conf = {p: k for g in stories for p, k in g.conflicts.items()}

    def show(p: Iterable[Sid]) -> str:
        return "\n".join(f"    {s[1]:7s} {outlet.get(s, '?'):20s} {text.get(s, '?')[:300]}" for s in sorted(p))

    lines = []
    for g in stories:
        half = "tune" if g.tune else "check"
        lines.append(f"\n===== story {g.position} {g.triplet[:8]} ({half}) =====")
        for p in sorted((p for p in mapped.pairs if min(p)[0] == g.triplet and p not in same), key=sorted):
            lines.append("FALSE PAIR\n" + show(p))
        for p, k in sorted(((p, k) for p, k in g.same.items() if k == "full" and p not in mapped.pairs), key=lambda x: sorted(x[0])):
            lines.append("MISSED FULL\n" + show(p))
        for kind, pairs, detail in mapped.conflicts:
            if pairs and min(min(pairs))[0] == g.triplet:
                ok = "RIGHT" if pairs & set(gold_conf) else "FALSE"
                lines.append(f"CONFLICT {ok} {kind}: {detail}\n" + show({s for p in pairs for s in p}))
        for p, k in g.conflicts.items():
            if not any(p in pairs for _, pairs, _ in mapped.conflicts):
                lines.append(f"MISSED CONFLICT {k}\n" + show(p))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--by-story", action="store_true", help="analyze each story alone")
    parser.add_argument("--errors", type=Path, help="write false and missed pairs and conflicts here")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    stories = load_gold()
    mapped = analyze(stories, by_story=args.by_story)
    for name, value in results(mapped, stories).items():
        print(f"{name:40s} {value:8.4f}")
    if args.errors:
        write_errors(mapped, stories, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
