"""Attribution benchmark: PolNeAR (source, cue and content spans of attribution relations).

Data: ``../shared/bench/attribution-polnear/<split>/text/<name>.txt`` and
``<split>/attributions/<name>_<annotator>.ann`` (brat standoff; read in place, never copied).
Gold spans are the ``T`` lines labelled ``Source``, ``Cue`` and ``Content`` (a span made of
several ranges keeps them all); ``Attribution``/``Discuss``/``Discard`` lines are not scored.
Where an article has several annotators, the annotation of the annotator whose id sorts first
is used, so every run scores against the same single reference.

Our output is mapped to the three roles from one parse of the article:

* source: the span of every ``SourceRef`` of ``find_sources`` and of every quote speaker, except
  the outlet a source spoke to ("told Axios": Axios is a recipient, not the one attributed);
* cue: ``SourceRef.cue`` of those sources and ``Quote.cue``;
* content: the span of every ``Quote`` of ``find_quotes``.

Metrics (from the dataset README), for each role: precision, recall and F1,

* exact: a prediction matches a gold span when both, trimmed of whitespace and punctuation at
  the edges, have the same offsets (a gold of several ranges is compared by its extent);
* overlap: when they overlap (any range of the gold); each gold and each prediction is used at
  most once, exact pairs first, then by the size of the overlap.

Run ``python -m bench.attribution [--split dev|test] [--errors]``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from bench.data import BENCH
from storylens.model import Quote, SourceRef, Span

__all__ = [
    "ROLES",
    "GoldSpan",
    "AttrDoc",
    "Counts",
    "trim",
    "load_ann",
    "load_split",
    "predict",
    "match",
    "score_doc",
    "evaluate",
    "measure",
    "DATA_DIR",
]

log = logging.getLogger(__name__)

DATA_DIR = BENCH / "attribution-polnear"
ROLES = ("source", "cue", "content")
_LABELS = {"Source": "source", "Cue": "cue", "Content": "content"}


class AnnFormatError(ValueError):
    """A brat .ann line that the benchmark cannot read."""


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One annotated span: one or more character ranges of the text."""

    ranges: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.ranges[0][0]

    @property
    def end(self) -> int:
        return self.ranges[-1][1]


@dataclass(frozen=True, slots=True)
class AttrDoc:
    name: str
    annotator: str
    text: str
    gold: Mapping[str, tuple[GoldSpan, ...]]  # role -> spans


@dataclass(frozen=True, slots=True)
class Counts:
    """Counts of one role: gold spans, predicted spans, exact and overlap matches."""

    n_gold: int = 0
    n_pred: int = 0
    exact: int = 0
    overlap: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.n_gold + other.n_gold, self.n_pred + other.n_pred, self.exact + other.exact, self.overlap + other.overlap
        )

    def prf(self, mode: str) -> tuple[float, float, float]:
        m = self.exact if mode == "exact" else self.overlap
        p = m / self.n_pred if self.n_pred else 0.0
        r = m / self.n_gold if self.n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _is_edge_char(c: str) -> bool:
    return c.isspace() or unicodedata.category(c)[0] == "P"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without whitespace and punctuation at either edge; a span that is all
    punctuation (the cue ":" or "—") is kept as it is, so it can still be matched."""
    s, e = start, end
    while s < e and _is_edge_char(text[s]):
        s += 1
    while e > s and _is_edge_char(text[e - 1]):
        e -= 1
    return (s, e) if s < e else (start, end)


# --- data -----------------------------------------------------------------------------------


def load_ann(ann: str) -> dict[str, tuple[GoldSpan, ...]]:
    """Gold spans by role from the text of one brat .ann file (duplicates of a role dropped)."""
    out: dict[str, dict[tuple[tuple[int, int], ...], None]] = {r: {} for r in ROLES}
    for line in ann.splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise AnnFormatError(f"bad line {line!r}")
        label, _, offsets = parts[1].partition(" ")
        role = _LABELS.get(label)
        if role is None:
            continue
        try:
            ranges = tuple(
                (int(a), int(b)) for a, b in (chunk.split() for chunk in offsets.split(";"))
            )
        except ValueError as exc:
            raise AnnFormatError(f"bad offsets in {line!r}") from exc
        out[role][tuple(sorted(ranges))] = None
    return {r: tuple(GoldSpan(k) for k in spans) for r, spans in out.items()}


def load_split(split: str = "dev", data_dir: Path = DATA_DIR) -> list[AttrDoc]:
    """Every article of a split with the annotation of its first annotator (by sorted id)."""
    text_dir = data_dir / split / "text"
    ann_dir = data_dir / split / "attributions"
    docs = []
    for txt in sorted(text_dir.glob("*.txt")):
        anns = sorted(ann_dir.glob(f"{txt.stem}_*.ann"))
        anns = [a for a in anns if len(a.stem) == len(txt.stem) + 5]  # "<name>_<4-hex annotator>"
        if not anns:
            log.warning("%s: no annotation", txt.name)
            continue
        ann = anns[0]
        docs.append(
            AttrDoc(
                name=txt.stem,
                annotator=ann.stem[len(txt.stem) + 1 :],
                text=txt.read_text(encoding="utf-8"),
                gold=load_ann(ann.read_text(encoding="utf-8")),
            )
        )
    return docs


# --- prediction -------------------------------------------------------------------------------


def _recipients(sources: Sequence[SourceRef]) -> set[int]:
    """Indices of outlets that are only the recipient of another source's statement."""
    told = {(s.cue, s.via) for s in sources if s.via is not None}
    return {i for i, s in enumerate(sources) if s.kind == "outlet" and (s.cue, s.name) in told}


def predict(sources: Sequence[SourceRef], quotes: Sequence[Quote]) -> dict[str, tuple[Span, ...]]:
    """Our findings as PolNeAR roles (see the module docstring), deduplicated, in text order."""
    skip = _recipients(sources)
    src: dict[Span, None] = {}
    cue: dict[Span, None] = {}
    for i, s in enumerate(sources):
        if i in skip:
            continue
        src[s.span] = None
        if s.cue is not None:
            cue[s.cue] = None
    for q in quotes:
        if q.speaker is not None:
            src[q.speaker.span] = None
        if q.cue is not None:
            cue[q.cue] = None
    content = {q.span: None for q in quotes}
    return {"source": tuple(sorted(src)), "cue": tuple(sorted(cue)), "content": tuple(sorted(content))}


def _parse_all(texts: Sequence[str]) -> Iterable[tuple[tuple[SourceRef, ...], tuple[Quote, ...]]]:
    from storylens.understand.nlp import parse_many
    from storylens.understand.quotes import find_quotes
    from storylens.understand.sourcing import find_sources

    for doc in parse_many(texts):
        sources = find_sources(doc)
        yield sources, find_quotes(doc, sources)


# --- scoring ----------------------------------------------------------------------------------


def match(text: str, gold: Sequence[GoldSpan], pred: Sequence[Span], exact: bool) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs; exact pairs first, then by overlap size."""
    g_trim = [trim(text, g.start, g.end) for g in gold]
    g_ranges = [[trim(text, a, b) for a, b in g.ranges] for g in gold]
    p_trim = [trim(text, p.start, p.end) for p in pred]
    pairs: list[tuple[int, int, int]] = []
    for gi in range(len(gold)):
        for pi, (ps, pe) in enumerate(p_trim):
            same = g_trim[gi] == (ps, pe)
            if exact:
                if same:
                    pairs.append((0, gi, pi))
                continue
            ov = sum(max(0, min(b, pe) - max(a, ps)) for a, b in g_ranges[gi])
            if ov > 0:
                pairs.append((-(ov + (1 << 30 if same else 0)), gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def score_doc(text: str, gold: Sequence[GoldSpan], pred: Sequence[Span]) -> Counts:
    """Counts of one role in one document."""
    return Counts(
        n_gold=len(gold),
        n_pred=len(pred),
        exact=len(match(text, gold, pred, exact=True)),
        overlap=len(match(text, gold, pred, exact=False)),
    )


def _describe(doc: AttrDoc, role: str, pred: Sequence[Span]) -> list[str]:
    text = doc.text
    gold = doc.gold[role]
    pairs = match(text, gold, pred, exact=False)
    mg = {g for g, _ in pairs}
    mp = {p for _, p in pairs}
    lines = []

    def show(a: int, b: int, limit: int = 90) -> str:
        s = text[a:b].replace("\n", " ")
        return repr(s if len(s) <= limit else s[: limit - 1] + "…")

    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if trim(text, g.start, g.end) != trim(text, p.start, p.end):
            lines.append(f"{doc.name}\t{role}\tDIFF\tgold {show(g.start, g.end)}\tpred {show(p.start, p.end)}")
    for gi, g in enumerate(gold):
        if gi not in mg:
            lines.append(f"{doc.name}\t{role}\tMISS\t{show(g.start, g.end)}\t…{show(max(0, g.start - 60), g.end + 40, 200)}")
    for pi, p in enumerate(pred):
        if pi not in mp:
            lines.append(f"{doc.name}\t{role}\tFALSE\t{show(p.start, p.end)}\t…{show(max(0, p.start - 60), p.end + 40, 200)}")
    return lines


def evaluate(docs: Sequence[AttrDoc], errors: list[str] | None = None) -> dict[str, Counts]:
    """Run the pipeline's sourcing and quotes on every document; counts per role."""
    totals = {r: Counts() for r in ROLES}
    for doc, (sources, quotes) in zip(docs, _parse_all([d.text for d in docs])):
        pred = predict(sources, quotes)
        for role in ROLES:
            totals[role] = totals[role] + score_doc(doc.text, doc.gold[role], pred[role])
            if errors is not None:
                errors.extend(_describe(doc, role, pred[role]))
    return totals


def as_metrics(totals: Mapping[str, Counts]) -> dict[str, float]:
    """``{role}_{exact|overlap}_{p|r|f1}`` for every role."""
    out: dict[str, float] = {}
    for role in ROLES:
        for mode in ("exact", "overlap"):
            p, r, f = totals[role].prf(mode)
            out[f"{role}_{mode}_p"] = p
            out[f"{role}_{mode}_r"] = r
            out[f"{role}_{mode}_f1"] = f
    return out


def format_table(totals: Mapping[str, Counts]) -> str:
    lines = [f"{'role':<8} {'mode':<8} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6} {'pred':>6}"]
    for role in ROLES:
        c = totals[role]
        for mode in ("exact", "overlap"):
            p, r, f = c.prf(mode)
            lines.append(f"{role:<8} {mode:<8} {100 * p:7.2f} {100 * r:7.2f} {100 * f:7.2f} {c.n_gold:6d} {c.n_pred:6d}")
    return "\n".join(lines)


def measure() -> dict[str, float]:
    """PolNeAR dev scores of ``find_sources`` + ``find_quotes`` (fractions)."""
    return as_metrics(evaluate(load_split("dev")))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--errors", action="store_true", help="list mismatches per document and role")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    docs = load_split(args.split, args.data)
    if not docs:
        log.error("no articles in %s/%s", args.data, args.split)
        return 1
    errors: list[str] | None = [] if args.errors else None
    totals = evaluate(docs, errors)
    out = sys.stdout
    out.write(f"PolNeAR {args.split}, {len(docs)} articles (first annotator by id)\n{format_table(totals)}\n")
    if errors:
        out.write("\n".join(errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
