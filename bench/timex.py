"""Time-expression benchmark: TempEval-3 platinum (task A), scored by our own TempEval-3 scorer.

Data: ``../shared/bench/timex-tempeval3/data/*.tml`` (read in place, never copied). The text of a
document is the content of ``<TEXT>`` with all tags removed; gold expressions are the ``TIMEX3``
elements inside it; the publication time is the value of the ``TIMEX3`` inside ``<DCT>``.

Metrics (definitions from the dataset README):

* strict extraction: a prediction matches a gold expression when the spans are equal;
* relaxed extraction: when they overlap, each gold and each prediction used at most once;
* value / type accuracy: share of relaxed matches with the same ``value`` / ``type``;
  value F1 = relaxed F1 × value accuracy, type F1 = relaxed F1 × type accuracy.

Run ``python -m bench.timex`` (``--errors`` lists the misses per document).
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Sequence

from bench.data import BENCH
from storylens.model import TimeRef
from storylens.understand.time import find_times

__all__ = ["GoldTimex", "TimexDoc", "Scores", "load_doc", "load_corpus", "score", "evaluate", "DATA_DIR"]

log = logging.getLogger(__name__)

DATA_DIR = BENCH / "timex-tempeval3" / "data"

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*)>")
_ATTR = re.compile(r'([A-Za-z_:]+)="([^"]*)"')


class TimexFormatError(ValueError):
    """A TimeML file lacks the TEXT or DCT element the benchmark needs."""


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class TimexDoc:
    name: str
    text: str
    dct: datetime
    gold: tuple[GoldTimex, ...]


@dataclass(frozen=True, slots=True)
class Scores:
    n_gold: int
    n_pred: int
    strict_matches: int
    relaxed_matches: int
    value_correct: int
    type_correct: int

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def _pr(self, matches: int) -> tuple[float, float, float]:
        p = matches / self.n_pred if self.n_pred else 0.0
        r = matches / self.n_gold if self.n_gold else 0.0
        return p, r, self._f1(p, r)

    @property
    def strict(self) -> tuple[float, float, float]:
        return self._pr(self.strict_matches)

    @property
    def relaxed(self) -> tuple[float, float, float]:
        return self._pr(self.relaxed_matches)

    @property
    def value_accuracy(self) -> float:
        return self.value_correct / self.relaxed_matches if self.relaxed_matches else 0.0

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / self.relaxed_matches if self.relaxed_matches else 0.0

    @property
    def value_f1(self) -> float:
        return self.relaxed[2] * self.value_accuracy

    @property
    def type_f1(self) -> float:
        return self.relaxed[2] * self.type_accuracy

    def __add__(self, other: Scores) -> Scores:
        return Scores(*(a + b for a, b in zip(_astuple(self), _astuple(other))))


def _astuple(s: Scores) -> tuple[int, ...]:
    return (s.n_gold, s.n_pred, s.strict_matches, s.relaxed_matches, s.value_correct, s.type_correct)


def _strip_tags(xml: str) -> tuple[str, list[tuple[int, int, dict[str, str], str]]]:
    """Tag-free text of an XML fragment and the (start, end, attrs, text) of each TIMEX3."""
    out: list[str] = []
    pos = 0
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes: list[tuple[int, int, dict[str, str], str]] = []
    for m in _TAG.finditer(xml):
        chunk = html.unescape(xml[pos : m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(m.group(3))))
        elif open_timex is not None:
            s0, attrs = open_timex
            timexes.append((s0, length, attrs, ""))
            open_timex = None
    chunk = html.unescape(xml[pos:])
    out.append(chunk)
    text = "".join(out)
    return text, [(s, e, a, text[s:e]) for s, e, a, _ in timexes]


def load_doc(path: Path) -> TimexDoc:
    """Read one TempEval-3 ``.tml`` file."""
    raw = path.read_text(encoding="utf-8")
    text_m = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    dct_m = re.search(r"<DCT>(.*?)</DCT>", raw, re.S)
    if not text_m or not dct_m:
        raise TimexFormatError(f"{path}: no <TEXT> or <DCT>")
    _, dct_timex = _strip_tags(dct_m.group(1))
    if not dct_timex:
        raise TimexFormatError(f"{path}: no TIMEX3 in <DCT>")
    dct = datetime.fromisoformat(dct_timex[0][2]["value"][:10])
    text, timexes = _strip_tags(text_m.group(1))
    gold = tuple(GoldTimex(s, e, t, a.get("type", ""), a.get("value", "")) for s, e, a, t in timexes)
    return TimexDoc(path.stem, text, dct, gold)


def load_corpus(data_dir: Path = DATA_DIR) -> list[TimexDoc]:
    return [load_doc(p) for p in sorted(data_dir.glob("*.tml"))]


def _match(gold: Sequence[GoldTimex], pred: Sequence[TimeRef], strict: bool) -> list[tuple[GoldTimex, TimeRef]]:
    """One-to-one matching; for relaxed, exact matches are paired first, then largest overlap."""
    pairs: list[tuple[int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if strict:
                if (p.span.start, p.span.end) == (g.start, g.end):
                    pairs.append((0, gi, pi))
            else:
                overlap = min(g.end, p.span.end) - max(g.start, p.span.start)
                if overlap > 0:
                    exact = (p.span.start, p.span.end) == (g.start, g.end)
                    pairs.append((-(overlap + (10_000 if exact else 0)), gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[tuple[GoldTimex, TimeRef]] = []
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gold[gi], pred[pi]))
    return out


def score(gold: Sequence[GoldTimex], pred: Sequence[TimeRef]) -> Scores:
    """TempEval-3 counts for one document."""
    relaxed = _match(gold, pred, strict=False)
    return Scores(
        n_gold=len(gold),
        n_pred=len(pred),
        strict_matches=len(_match(gold, pred, strict=True)),
        relaxed_matches=len(relaxed),
        value_correct=sum(g.value == p.value for g, p in relaxed),
        type_correct=sum(g.type == p.type for g, p in relaxed),
    )


def evaluate(
    docs: Iterable[TimexDoc],
    finder: Callable[[str, datetime | None], tuple[TimeRef, ...]] = find_times,
    errors: list[str] | None = None,
) -> Scores:
    """Run ``finder`` on every document and sum the counts; misses go to ``errors`` if given."""
    total = Scores(0, 0, 0, 0, 0, 0)
    for doc in docs:
        pred = finder(doc.text, doc.dct)
        total = total + score(doc.gold, pred)
        if errors is not None:
            errors.extend(_describe_errors(doc, pred))
    return total


def _describe_errors(doc: TimexDoc, pred: Sequence[TimeRef]) -> list[str]:
    lines: list[str] = []
    matched = _match(doc.gold, pred, strict=False)
    mg = {id(g) for g, _ in matched}
    mp = {id(p) for _, p in matched}
    for g, p in matched:
        if g.value != p.value or g.type != p.type or (g.start, g.end) != (p.span.start, p.span.end):
            lines.append(f"{doc.name}\tDIFF\tgold {g.text!r} {g.type} {g.value}\tpred {p.text!r} {p.type} {p.value}")
    for g in doc.gold:
        if id(g) not in mg:
            ctx = doc.text[max(0, g.start - 30) : g.end + 30].replace("\n", " ")
            lines.append(f"{doc.name}\tMISS\t{g.text!r} {g.type} {g.value}\t…{ctx}…")
    for p in pred:
        if id(p) not in mp:
            ctx = doc.text[max(0, p.span.start - 30) : p.span.end + 30].replace("\n", " ")
            lines.append(f"{doc.name}\tFALSE\t{p.text!r} {p.type} {p.value}\t…{ctx}…")
    return lines


def format_table(s: Scores) -> str:
    sp, sr, sf = s.strict
    rp, rr, rf = s.relaxed
    rows = [
        ("metric", "P", "R", "F1"),
        ("strict extraction", f"{100 * sp:.2f}", f"{100 * sr:.2f}", f"{100 * sf:.2f}"),
        ("relaxed extraction", f"{100 * rp:.2f}", f"{100 * rr:.2f}", f"{100 * rf:.2f}"),
        ("value (acc / F1)", f"{100 * s.value_accuracy:.2f}", "", f"{100 * s.value_f1:.2f}"),
        ("type (acc / F1)", f"{100 * s.type_accuracy:.2f}", "", f"{100 * s.type_f1:.2f}"),
    ]
    lines = [f"{a:<20} {b:>7} {c:>7} {d:>7}" for a, b, c, d in rows]
    lines.append(f"gold {s.n_gold}, predicted {s.n_pred}, relaxed matches {s.relaxed_matches}")
    return "\n".join(lines)


def measure() -> dict[str, float]:
    """TempEval-3 platinum scores of ``find_times`` (F1 values as fractions)."""
    s = evaluate(load_corpus())
    return {"strict_f1": s.strict[2], "relaxed_f1": s.relaxed[2], "value_f1": s.value_f1, "type_f1": s.type_f1}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--errors", action="store_true", help="list mismatches per document")
    args = ap.parse_args(argv)
    docs = load_corpus(args.data)
    if not docs:
        log.error("no .tml files in %s", args.data)
        return 1
    errors: list[str] | None = [] if args.errors else None
    total = evaluate(docs, errors=errors)
    out = sys.stdout
    out.write(f"TempEval-3 platinum, {len(docs)} documents\n{format_table(total)}\n")
    if errors:
        out.write("\n".join(errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
