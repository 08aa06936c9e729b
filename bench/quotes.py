"""Quote-speaker benchmark: BASIL (quotes marked in 150 articles, with who is quoted).

Data: ``../shared/bench/cross-outlet-basil/articles/<year>/<id>.json`` and
``annotations/<year>/<id>_ann.json`` (read in place, never copied). An article's text is its
``body-paragraphs``: sentences joined by a space, paragraphs by a blank line (the title is not
part of it, as in the pipeline). Gold spans are offsets into one sentence; each is mapped to the
article by the offset of the sentence whose slice equals the span's ``txt``.

Gold quotes are the phrase annotations with ``quote == "yes"``. The pipeline's sourcing and
quotes run on one parse, and speakers are resolved to canonical entities the way the compare
stage does (``compare.link_story`` on a one-article story).

Gold speakers. BASIL gives who is quoted as one of the article's ``main-entities`` (words joined
by ``_``) or as ``other_pro`` / ``other_anti`` / ``other_neutral`` for anyone who is not a main
entity. Main entities are people ("Rick Perry"), bodies ("Obama campaign", "NAACP") and groups
("Republican Lawmakers", "Catholics"), so a gold speaker is read as one of four kinds:

* ``person``: the article names a person (a PERSON mention of the parse) whose last word is the
  label's last word ("Bibi_Netanyahu" in an article that names "Benjamin Netanyahu");
* ``group``: otherwise, a label whose last word is a plural ("Republican_Lawmakers",
  "State_Department_officials"): the annotator's description of whom a speaker belongs to;
* ``body``: any other label ("Obama_campaign", "Tea_Party", "Secure_America_Now");
* ``other``: ``other_*``.

*Named* speakers are the person and body kinds: the gold says who speaks, and the text names them.

Matching. Names are compared without case, diacritics, titles ("Rep.", "Mr."), "Jr."/"Sr." and
middle names or initials.

* person: our speaker's surname is the gold's, and either the first names agree (equal, or one
  is the other's initial) or the article names only one person with that surname. So "Bibi"
  and "Benjamin" Netanyahu are one person, but in an article that names both Ron and Rand Paul,
  "Paul" alone or the other first name is wrong;
* body: our speaker is the body (its name or text has all of the label's words), or a person the
  article describes with all of them: in the speaker's own text or role, or next to a mention of
  their surname — the words before it back to the sentence start (at most 60 characters: "St.
  Louis Tea Party organizer Bill Hennessy", "Obama's current campaign press secretary, Ben
  LaBolt") or an apposition after it ("Jeri Thompson, advisory board member for Secure America
  Now") — or the person the body is named after ("Obama" speaking for ``Obama_campaign``);
* group and other: any speaker we found who is not one of the article's *other* main entities.
  BASIL does not say who (``other_anti`` is William Kristol in the Steele story; a member of a
  group is usually quoted by name: Rep. Michele Bachmann for ``Republican_Lawmakers``), so these
  count in speaker accuracy but not in named-speaker accuracy;
* a quote without a speaker never matches.

Metrics, over gold quotes:

* quote recall: a gold quote is found when one of our quotes overlaps it; the overlapping quote
  with the largest overlap is the one scored;
* speaker accuracy: share of the found quotes whose speaker matches (all four kinds);
* named speaker accuracy: the same over the found quotes whose gold speaker is named;
* named speaker left empty: share of those found named-speaker quotes to which we give no
  speaker at all (reported as ``named_speaker_given``, one minus it, so that it has a floor).

Tuning and checking: the 50 stories (``triplet-uuid``) in path order (year, then file name);
the rules of ``understand/quotes.py`` and ``sourcing.py`` were changed while reading the errors
of the first 25 (``tune_*``, in-sample); the other 25 (``check_*``) are held out.

Run ``python -m bench.quotes [--errors] [--half tune|check]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass, field
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
    "split_of",
    "gold_kind",
    "speaker_matches",
    "score_doc",
    "evaluate",
    "measure",
    "DATA_DIR",
]

log = logging.getLogger(__name__)

DATA_DIR = BENCH / "cross-outlet-basil"
# Stories in path order; the first this many are the tuning half.
TUNE_STORIES = 25

_TITLES = re.compile(
    r"^(?:the|mr|mrs|ms|dr|sen|senator|rep|representative|gov|governor|president|former|vice|"
    r"gen|general|secretary|speaker|judge|sheriff|rev|mayor)\.?\s+",
    re.I,
)
_POSSESSIVE = re.compile(r"['’]s?$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_WORDS = re.compile(r"\w+")
# Where a description before a name stops: a sentence end or a quotation mark.
_DESCRIPTION_STOP = re.compile(r"[.!?][\"”’]?\s+(?=[\"“A-Z])|[\"“”]")
_BEFORE_CHARS = 60
_APPOSITION_CHARS = 120


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
    story: str = ""  # BASIL's triplet-uuid


@dataclass(frozen=True, slots=True)
class QuoteCounts:
    n_gold: int = 0
    found: int = 0
    speaker_correct: int = 0
    named_found: int = 0
    named_correct: int = 0
    named_empty: int = 0

    def __add__(self, o: QuoteCounts) -> QuoteCounts:
        return QuoteCounts(
            self.n_gold + o.n_gold,
            self.found + o.found,
            self.speaker_correct + o.speaker_correct,
            self.named_found + o.named_found,
            self.named_correct + o.named_correct,
            self.named_empty + o.named_empty,
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

    @property
    def named_empty_rate(self) -> float:
        return self.named_empty / self.named_found if self.named_found else 0.0


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
        story=str(art.get("triplet-uuid") or article_path.stem.rsplit("_", 1)[0]),
    )


def load_corpus(data_dir: Path = DATA_DIR) -> list[QuoteDoc]:
    docs = []
    for ann in sorted((data_dir / "annotations").glob("*/*_ann.json")):
        article = data_dir / "articles" / ann.parent.name / ann.name.replace("_ann.json", ".json")
        if article.is_file():
            docs.append(load_doc(article, ann))
    return docs


def split_of(docs: Sequence[QuoteDoc], tune_stories: int = TUNE_STORIES) -> dict[str, str]:
    """Story id → "tune" for the first ``tune_stories`` stories in corpus order, else "check"."""
    stories = list(dict.fromkeys(d.story for d in docs))
    return {st: ("tune" if i < tune_stories else "check") for i, st in enumerate(stories)}


# --- speakers -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Casefolded, without diacritics, one character for one ("Raúl" → "raul")."""
    return "".join(unicodedata.normalize("NFKD", c)[0] for c in text).casefold()


def _norm(name: str) -> str:
    s = re.sub(r"[_\s]+", " ", name).strip()
    while True:
        t = _TITLES.sub("", s)
        if t == s:
            break
        s = t
    return _fold(_POSSESSIVE.sub("", s).strip())


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(_fold(text.replace("_", " ")))) - {"s"}


def _name_parts(name: str) -> tuple[str | None, str] | None:
    """(first name or None, surname) of a person's name; middle names and initials dropped."""
    words = [w.strip(".,") for w in _norm(name).split()]
    words = [w for w in words if w and w not in _SUFFIXES]
    if not words:
        return None
    return (words[0] if len(words) > 1 else None), words[-1]


def _same_first(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _first_names(persons: Sequence[str], surname: str) -> list[str]:
    """The distinct first names the article gives the people with this surname."""
    firsts: list[str] = []
    for p in persons:
        parts = _name_parts(p)
        if parts is None or parts[1] != surname or parts[0] is None:
            continue
        if not any(_same_first(parts[0], f) for f in firsts):
            firsts.append(parts[0])
    return firsts


def _same_person(ours: str, gold: str, persons: Sequence[str]) -> bool:
    a, g = _name_parts(ours), _name_parts(gold)
    if a is None or g is None or a[1] != g[1]:
        return False
    if a[0] is not None and g[0] is not None and _same_first(a[0], g[0]):
        return True
    return len(_first_names(persons, g[1])) <= 1


def _written_with_middle(text: str, first: str, last: str) -> bool:
    pattern = rf"\b{re.escape(first)}\s+(?:[\"“][^\"”]{{1,20}}[\"”]|\w\.)\s+{re.escape(last)}\b"
    return re.search(pattern, _fold(text)) is not None


def gold_kind(gold: str, persons: Sequence[str] = (), text: str = "") -> str:
    """"other" | "person" | "body" | "group" (see the module docstring); ``persons`` are the
    people the article ``text`` names."""
    if gold.startswith("other_"):
        return "other"
    parts = _name_parts(gold)
    if parts is not None and any((_name_parts(p) or (None, ""))[1] == parts[1] for p in persons):
        return "person"
    if parts is not None and parts[0] is not None and _written_with_middle(text, *parts):
        return "person"  # the parse missed a name written with a nickname: William "Mo" Cowan
    last = _norm(gold).split()[-1] if _norm(gold) else ""
    return "group" if last.endswith("s") and not last.endswith("ss") else "body"


def _descriptions(text: str, surname: str) -> list[str]:
    """The words next to each mention of ``surname`` in ``text``: before it back to the
    sentence start (at most 60 characters) and an apposition after it."""
    folded = _fold(text)
    out = []
    for m in re.finditer(rf"\b{re.escape(surname)}\b", folded):
        before = text[max(0, m.start() - _BEFORE_CHARS) : m.start()]
        stops = list(_DESCRIPTION_STOP.finditer(before))
        if stops:
            before = before[stops[-1].end() :]
        out.append(before.split("\n")[-1])
        after = text[m.end() : m.end() + _APPOSITION_CHARS]
        after = re.sub(r"^['’]s?", "", after)
        if after.startswith(","):
            stop = _DESCRIPTION_STOP.search(after)
            out.append((after[: stop.start()] if stop else after).split("\n")[0])
    return out


def _speaks_for(speaker: SourceRef, body: str, text: str) -> bool:
    label = _words(body)
    if not label:
        return False
    own = [speaker.name or "", speaker.text, speaker.role or ""]
    if any(label <= _words(s) for s in own):
        return True
    if speaker.kind != "person" or not speaker.name:
        return False
    parts = _name_parts(speaker.name)
    if parts is None:
        return False
    if parts[1] in label:  # the body is named after the speaker ("Obama" for the Obama campaign)
        return True
    return any(label <= _words(d) for d in _descriptions(text, parts[1]))


def _is_entity(speaker: SourceRef, entity: str, persons: Sequence[str], text: str) -> bool:
    if gold_kind(entity, persons, text) == "person":
        return speaker.kind == "person" and _same_person(speaker.name or speaker.text, entity, persons)
    label = _words(entity)
    return bool(label) and any(label <= _words(s) for s in (speaker.name or "", speaker.text))


def speaker_matches(
    speaker: SourceRef | None,
    gold: str,
    main_entities: Sequence[str] = (),
    persons: Sequence[str] = (),
    text: str = "",
) -> bool:
    """True when our speaker is the gold speaker by the rules of the module docstring.

    ``persons`` are the names of the people the article names; ``text`` is the article text.
    """
    if speaker is None:
        return False
    kind = gold_kind(gold, persons, text)
    if kind in {"other", "group"}:
        others = [m for m in main_entities if _norm(m) != _norm(gold)]
        return not any(_is_entity(speaker, m, persons, text) for m in others)
    if kind == "person":
        return _same_person(speaker.name or speaker.text, gold, persons)
    return _speaks_for(speaker, gold, text)


# --- scoring ----------------------------------------------------------------------------------


def _best_quote(g: GoldQuote, quotes: Sequence[Quote]) -> Quote | None:
    best: tuple[int, Quote] | None = None
    for q in quotes:
        ov = min(g.span.end, q.span.end) - max(g.span.start, q.span.start)
        if ov > 0 and (best is None or ov > best[0]):
            best = (ov, q)
    return best[1] if best else None


def score_doc(
    doc: QuoteDoc, quotes: Sequence[Quote], persons: Sequence[str] = (), errors: list[str] | None = None
) -> QuoteCounts:
    """Counts of one article, given our (speaker-resolved) quotes and the people it names."""
    c = QuoteCounts(n_gold=len(doc.gold))
    for g in doc.gold:
        q = _best_quote(g, quotes)
        kind = gold_kind(g.speaker, persons, doc.text)
        named = kind in {"person", "body"}
        if q is None:
            if errors is not None:
                ctx = doc.text[max(0, g.span.start - 60) : g.span.end + 60].replace("\n", " ")
                errors.append(f"{doc.name}\tMISS\t{g.speaker}\t{g.text!r}\t…{ctx}…")
            continue
        ok = speaker_matches(q.speaker, g.speaker, doc.main_entities, persons, doc.text)
        empty = named and q.speaker is None
        c = c + QuoteCounts(0, 1, int(ok), int(named), int(named and ok), int(empty))
        if not ok and errors is not None:
            sp = q.speaker
            got = "None" if sp is None else f"{sp.kind}:{sp.name or ''}|{sp.text!r}"
            errors.append(
                f"{doc.name}\tSPEAKER\tgold {g.speaker} ({kind})\tpred {got}\t{q.kind}\t{q.text[:100]!r}"
            )
    return c


def _analyze(docs: Sequence[QuoteDoc]) -> Iterable[tuple[tuple[Quote, ...], tuple[str, ...]]]:
    """Per article: our speaker-resolved quotes and the names of the people it names."""
    from storylens.compare import link_story
    from storylens.understand.entities import find_mentions
    from storylens.understand.nlp import parse_many
    from storylens.understand.quotes import find_quotes
    from storylens.understand.sourcing import find_sources

    for d, doc in zip(docs, parse_many([d.text for d in docs])):
        article = Article(id=text_id(d.text), outlet=Outlet(d.source), text=d.text, paragraphs=d.paragraphs, origin=d.name)
        sources = find_sources(doc)
        mentions = find_mentions(doc)
        analysis = ArticleAnalysis(article=article, mentions=mentions, sources=sources, quotes=find_quotes(doc, sources))
        _, (linked,) = link_story([analysis])
        persons = tuple(dict.fromkeys(m.text for m in mentions if m.label == "PERSON"))
        yield linked.quotes, persons


def evaluate(docs: Sequence[QuoteDoc], errors: dict[str, list[str]] | None = None) -> dict[str, QuoteCounts]:
    """Counts for "all", "tune" and "check" (see the module docstring); ``errors`` collects the
    misses and wrong speakers of each half."""
    halves = split_of(docs)
    totals = {"all": QuoteCounts(), "tune": QuoteCounts(), "check": QuoteCounts()}
    for d, (quotes, persons) in zip(docs, _analyze(docs)):
        half = halves[d.story]
        c = score_doc(d, quotes, persons, None if errors is None else errors.setdefault(half, []))
        totals["all"] = totals["all"] + c
        totals[half] = totals[half] + c
    return totals


def as_metrics(totals: dict[str, QuoteCounts]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part, c in totals.items():
        prefix = "" if part == "all" else f"{part}_"
        out[f"{prefix}quote_recall"] = c.recall
        out[f"{prefix}speaker_accuracy"] = c.speaker_accuracy
        out[f"{prefix}named_speaker_accuracy"] = c.named_speaker_accuracy
        out[f"{prefix}named_speaker_given"] = 1.0 - c.named_empty_rate
    return out


def measure() -> dict[str, float]:
    """BASIL quote recall and speaker accuracies (fractions), overall and per half."""
    return as_metrics(evaluate(load_corpus()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--errors", action="store_true", help="list missed quotes and wrong speakers")
    ap.add_argument("--half", choices=("tune", "check"), default="tune", help="whose errors --errors lists")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    docs = load_corpus(args.data)
    if not docs:
        log.error("no annotated articles in %s", args.data)
        return 1
    errors: dict[str, list[str]] | None = {} if args.errors else None
    totals = evaluate(docs, errors)
    out = sys.stdout
    n_stories = len({d.story for d in docs})
    out.write(f"BASIL, {len(docs)} articles, {n_stories} stories (tune: the first {TUNE_STORIES})\n")
    out.write(f"{'':26s}{'all':>16s}{'tune (in-sample)':>20s}{'check':>16s}\n")
    rows = [
        ("quote recall", lambda c: (c.found, c.n_gold)),
        ("speaker accuracy", lambda c: (c.speaker_correct, c.found)),
        ("named speaker accuracy", lambda c: (c.named_correct, c.named_found)),
        ("named speaker left empty", lambda c: (c.named_empty, c.named_found)),
    ]
    for label, get in rows:
        cells = []
        for part in ("all", "tune", "check"):
            num, den = get(totals[part])
            cells.append(f"{100 * num / den if den else 0:6.2f} ({num}/{den})")
        out.write(f"{label:26s}{cells[0]:>16s}{cells[1]:>20s}{cells[2]:>16s}\n")
    if errors:
        out.write("\n".join(errors.get(args.half, [])) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
