"""Quote-speaker benchmark: BASIL (quotes marked in 150 articles, with who is quoted).

Data: ``../shared/bench/cross-outlet-basil/articles/<year>/<id>.json`` and
``annotations/<year>/<id>_ann.json`` (read in place, never copied). An article's text is its
``body-paragraphs``: sentences joined by a space, paragraphs by a blank line (the title is not
part of it, as in the pipeline). Gold spans are offsets into one sentence; each is mapped to the
article by the offset of the sentence whose slice equals the span's ``txt``.

Gold quotes are the phrase annotations with ``quote == "yes"``. The pipeline's sourcing and
quotes run on one parse, and speakers are resolved to canonical entities the way the compare
stage does (``compare.link_story`` on a one-article story).

Metrics:

* quote recall: a gold quote is found when one of our quotes overlaps it;
* speaker accuracy, over found quotes (the overlapping quote with the largest overlap speaks):
  a named gold speaker (``Elizabeth_Lauten``, ``Obama_campaign``) matches when our speaker's
  name or text equals it case-insensitively (leading "the" and titles such as "Mr." ignored), or
  is a single word equal to the gold's last word ("Lauten"), or has the gold's first and last
  words ("Hillary Rodham Clinton" for ``Hillary_Clinton``). BASIL's ``other_*`` marks a speaker
  who is not one of the article's main entities, named or not (``other_anti`` is William
  Kristol in the Steele story), so it matches any speaker we found that is not one of the
  article's ``main-entities``; a quote without a speaker never matches;
* named speaker accuracy: the same over found quotes whose gold speaker is named.

Run ``python -m bench.quotes [--errors]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from bench.data import BENCH
from storylens.model import Article, ArticleAnalysis, Outlet, Quote, SourceRef, Span, text_id

__all__ = [
    "GoldQuote",
    "QuoteDoc",
    "QuoteCounts",
    "build_text",
    "load_doc",
    "load_corpus",
    "speaker_matches",
    "score_doc",
    "evaluate",
    "measure",
    "DATA_DIR",
]

log = logging.getLogger(__name__)

DATA_DIR = BENCH / "cross-outlet-basil"

_TITLES = re.compile(
    r"^(?:the|mr|mrs|ms|dr|sen|senator|rep|representative|gov|governor|president|former|vice|"
    r"gen|general|secretary|speaker|judge|sheriff|rev|mayor)\.?\s+",
    re.I,
)
_POSSESSIVE = re.compile(r"['’]s?$")


class GoldSpanNotFound(ValueError):
    """A gold span whose text is in no sentence of its article."""


@dataclass(frozen=True, slots=True)
class GoldQuote:
    span: Span
    text: str
    speaker: str  # "Elizabeth_Lauten" | "other_anti" ...


@dataclass(frozen=True, slots=True)
class QuoteDoc:
    name: str
    source: str
    text: str
    paragraphs: tuple[Span, ...]
    main_entities: tuple[str, ...]
    gold: tuple[GoldQuote, ...]


@dataclass(frozen=True, slots=True)
class QuoteCounts:
    n_gold: int = 0
    found: int = 0
    speaker_correct: int = 0
    named_found: int = 0
    named_correct: int = 0

    def __add__(self, o: QuoteCounts) -> QuoteCounts:
        return QuoteCounts(
            self.n_gold + o.n_gold,
            self.found + o.found,
            self.speaker_correct + o.speaker_correct,
            self.named_found + o.named_found,
            self.named_correct + o.named_correct,
        )

    @property
    def recall(self) -> float:
        return self.found / self.n_gold if self.n_gold else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.found if self.found else 0.0

    @property
    def named_speaker_accuracy(self) -> float:
        return self.named_correct / self.named_found if self.named_found else 0.0


# --- data -----------------------------------------------------------------------------------


def build_text(paragraphs: Sequence[Sequence[str]]) -> tuple[str, list[tuple[int, str]], tuple[Span, ...]]:
    """Article text from paragraphs of sentences, each sentence's (offset, text), paragraph spans."""
    parts: list[str] = []
    sents: list[tuple[int, str]] = []
    paras: list[Span] = []
    pos = 0
    for p in paragraphs:
        sentences = [s for s in p if s.strip()]
        if not sentences:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        for k, s in enumerate(sentences):
            if k:
                parts.append(" ")
                pos += 1
            sents.append((pos, s))
            parts.append(s)
            pos += len(s)
        paras.append(Span(start, pos))
    return "".join(parts), sents, tuple(paras)


def _locate(sents: Sequence[tuple[int, str]], start: int, end: int, txt: str) -> Span:
    for offset, s in sents:
        if s[start:end] == txt:
            return Span(offset + start, offset + end)
    raise GoldSpanNotFound(f"{txt!r} not found at [{start}, {end}) of any sentence")


def load_doc(article_path: Path, ann_path: Path) -> QuoteDoc:
    """One article with its gold quotes (spans mapped to article offsets)."""
    art = json.loads(article_path.read_text(encoding="utf-8"))
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    text, sents, paras = build_text(art.get("body-paragraphs", []))
    gold = []
    for x in ann.get("phrase-level-annotations", []):
        if x.get("quote") != "yes" or not x.get("speaker"):
            continue
        try:
            span = _locate(sents, int(x["start"]), int(x["end"]), x["txt"])
        except GoldSpanNotFound:
            log.warning("%s: %s (in the title?); not scored", article_path.name, x["txt"])
            continue
        gold.append(GoldQuote(span, x["txt"], x["speaker"]))
    return QuoteDoc(
        name=article_path.stem,
        source=str(art.get("source", "")).lower(),
        text=text,
        paragraphs=paras,
        main_entities=tuple(art.get("main-entities") or ()),
        gold=tuple(gold),
    )


def load_corpus(data_dir: Path = DATA_DIR) -> list[QuoteDoc]:
    docs = []
    for ann in sorted((data_dir / "annotations").glob("*/*_ann.json")):
        article = data_dir / "articles" / ann.parent.name / ann.name.replace("_ann.json", ".json")
        if article.is_file():
            docs.append(load_doc(article, ann))
    return docs


# --- speakers -------------------------------------------------------------------------------


def _norm(name: str) -> str:
    s = re.sub(r"[_\s]+", " ", name).strip()
    while True:
        t = _TITLES.sub("", s)
        if t == s:
            break
        s = t
    return _POSSESSIVE.sub("", s).strip().casefold()


def _names(speaker: SourceRef) -> list[str]:
    return [n for n in (_norm(speaker.name or ""), _norm(speaker.text)) if n]


def _same_name(ours: str, gold: str) -> bool:
    if ours == gold:
        return True
    words, mine = gold.split(), ours.split()
    if len(mine) == 1:
        return len(words) > 1 and ours == words[-1]
    # a middle name or initial does not make another person ("Hillary Rodham Clinton")
    return len(words) > 1 and (mine[0], mine[-1]) == (words[0], words[-1])


def speaker_matches(speaker: SourceRef | None, gold: str, main_entities: Sequence[str] = ()) -> bool:
    """True when our speaker is the gold speaker by the rules of the module docstring."""
    if speaker is None:
        return False
    names = _names(speaker)
    if gold.startswith("other_"):
        mains = [_norm(m) for m in main_entities]
        return not any(_same_name(n, m) for n in names for m in mains)
    g = _norm(gold)
    return any(_same_name(n, g) for n in names)


# --- scoring ----------------------------------------------------------------------------------


def _best_quote(g: GoldQuote, quotes: Sequence[Quote]) -> Quote | None:
    best: tuple[int, Quote] | None = None
    for q in quotes:
        ov = min(g.span.end, q.span.end) - max(g.span.start, q.span.start)
        if ov > 0 and (best is None or ov > best[0]):
            best = (ov, q)
    return best[1] if best else None


def score_doc(doc: QuoteDoc, quotes: Sequence[Quote], errors: list[str] | None = None) -> QuoteCounts:
    """Counts of one article, given our (speaker-resolved) quotes."""
    c = QuoteCounts(n_gold=len(doc.gold))
    for g in doc.gold:
        q = _best_quote(g, quotes)
        named = not g.speaker.startswith("other_")
        if q is None:
            if errors is not None:
                ctx = doc.text[max(0, g.span.start - 60) : g.span.end + 60].replace("\n", " ")
                errors.append(f"{doc.name}\tMISS\t{g.speaker}\t{g.text!r}\t…{ctx}…")
            continue
        ok = speaker_matches(q.speaker, g.speaker, doc.main_entities)
        c = c + QuoteCounts(0, 1, int(ok), int(named), int(named and ok))
        if not ok and errors is not None:
            sp = q.speaker
            got = "None" if sp is None else f"{sp.kind}:{sp.name or ''}|{sp.text!r}"
            errors.append(f"{doc.name}\tSPEAKER\tgold {g.speaker}\tpred {got}\t{q.kind}\t{q.text[:100]!r}")
    return c


def _analyze(docs: Sequence[QuoteDoc]) -> Iterable[tuple[Quote, ...]]:
    from storylens.compare import link_story
    from storylens.understand.entities import find_mentions
    from storylens.understand.nlp import parse_many
    from storylens.understand.quotes import find_quotes
    from storylens.understand.sourcing import find_sources

    for d, doc in zip(docs, parse_many([d.text for d in docs])):
        article = Article(id=text_id(d.text), outlet=Outlet(d.source), text=d.text, paragraphs=d.paragraphs, origin=d.name)
        sources = find_sources(doc)
        analysis = ArticleAnalysis(
            article=article, mentions=find_mentions(doc), sources=sources, quotes=find_quotes(doc, sources)
        )
        _, (linked,) = link_story([analysis])
        yield linked.quotes


def evaluate(docs: Sequence[QuoteDoc], errors: list[str] | None = None) -> QuoteCounts:
    total = QuoteCounts()
    for d, quotes in zip(docs, _analyze(docs)):
        total = total + score_doc(d, quotes, errors)
    return total


def as_metrics(c: QuoteCounts) -> dict[str, float]:
    return {
        "quote_recall": c.recall,
        "speaker_accuracy": c.speaker_accuracy,
        "named_speaker_accuracy": c.named_speaker_accuracy,
    }


def measure() -> dict[str, float]:
    """BASIL quote recall and speaker accuracies (fractions)."""
    return as_metrics(evaluate(load_corpus()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--errors", action="store_true", help="list missed quotes and wrong speakers")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    docs = load_corpus(args.data)
    if not docs:
        log.error("no annotated articles in %s", args.data)
        return 1
    errors: list[str] | None = [] if args.errors else None
    c = evaluate(docs, errors)
    out = sys.stdout
    out.write(
        f"BASIL, {len(docs)} articles, {c.n_gold} gold quotes\n"
        f"quote recall            {100 * c.recall:6.2f}  ({c.found}/{c.n_gold})\n"
        f"speaker accuracy        {100 * c.speaker_accuracy:6.2f}  ({c.speaker_correct}/{c.found})\n"
        f"named speaker accuracy  {100 * c.named_speaker_accuracy:6.2f}  ({c.named_correct}/{c.named_found})\n"
    )
    if errors:
        out.write("\n".join(errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
