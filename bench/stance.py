"""Stance benchmark: FNC-1 competition test pairs scored with ``storylens.compare.stance``.

Data: ``../shared/bench/stance-fnc1/competition_test_{bodies,stances}.csv`` (read in place).
Each pair is a headline (the claim) and an article body; gold stance is agree, disagree, discuss
or unrelated.

Metrics (the dataset README):

* FNC-1 score: +0.25 for a right related/unrelated decision, +0.75 more for the exact label of a
  related pair; reported relative to the maximum, in percent;
* macro-F1 over the four classes, and the F1 of ``agree`` and ``disagree``.

Tuning split: the thresholds in :class:`StanceRules` were tuned (``--tune``) on the pairs whose
Body ID is even (13,305 pairs); the ``heldout_*`` metrics are on the pairs with an odd Body ID
(12,108 pairs) and are out of sample; the ``all_*`` metrics include the tuning half and are
therefore partly in-sample.

Runtime: every unique body sentence and headline is embedded once (16,635 texts; ~130 s at the
130 sentences/s measured on the 2-core machine, 215 s for the whole ``measure()`` while other jobs
shared the cores); the rules then take ~5 s for all 25,413 pairs. The whole set is used.

    python -m bench.stance            # scores with the default rules
    python -m bench.stance --tune     # grid-search the rules on the even Body IDs, then score
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import itertools
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from bench.data import BENCH, BenchDataMissing
from storylens.compare.stance import (
    STANCES,
    Body,
    StanceEvidence,
    StanceRules,
    decide,
    prepare_body,
    split_sentences,
    stance_evidence,
)
from storylens.understand.embed import Embedder, get_embedder

__all__ = [
    "DATA_DIR",
    "Pair",
    "load_bodies",
    "load_pairs",
    "is_tuning",
    "fnc_score",
    "relative_fnc_score",
    "class_f1",
    "macro_f1",
    "scores",
    "Corpus",
    "tune",
    "measure",
    "main",
]

log = logging.getLogger(__name__)

DATA_DIR = BENCH / "stance-fnc1"
RELATED = frozenset({"agree", "disagree", "discuss"})


@dataclass(frozen=True, slots=True)
class Pair:
    headline: str
    body_id: int
    stance: str


def load_bodies(path: Path = DATA_DIR / "competition_test_bodies.csv") -> dict[int, str]:
    if not path.is_file():
        raise BenchDataMissing(f"{path}: FNC-1 bodies not found")
    with path.open(encoding="utf-8", newline="") as f:
        return {int(r["Body ID"]): r["articleBody"] for r in csv.DictReader(f)}


def load_pairs(path: Path = DATA_DIR / "competition_test_stances.csv") -> list[Pair]:
    if not path.is_file():
        raise BenchDataMissing(f"{path}: FNC-1 stances not found")
    with path.open(encoding="utf-8", newline="") as f:
        return [Pair(r["Headline"], int(r["Body ID"]), r["Stance"]) for r in csv.DictReader(f)]


def is_tuning(body_id: int) -> bool:
    """The tuning half: bodies with an even Body ID."""
    return body_id % 2 == 0


# --- scoring ------------------------------------------------------------------------------------


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The FNC-1 score: 0.25 per right related/unrelated decision, 0.75 more per right related label."""
    total = 0.0
    for g, p in zip(gold, predicted, strict=True):
        if (g in RELATED) == (p in RELATED):
            total += 0.25
            if g in RELATED and g == p:
                total += 0.75
    return total


def relative_fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The FNC-1 score in percent of the best possible (every label right)."""
    best = fnc_score(gold, gold)
    return 100.0 * fnc_score(gold, predicted) / best if best else 0.0


def class_f1(gold: Sequence[str], predicted: Sequence[str], label: str) -> float:
    """F1 of one class; 0 when the class is neither in the gold nor predicted."""
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
    n_pred = sum(1 for p in predicted if p == label)
    n_gold = sum(1 for g in gold if g == label)
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STANCES) -> float:
    """Unweighted mean of the per-class F1 over ``labels``."""
    return sum(class_f1(gold, predicted, lab) for lab in labels) / len(labels)


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """FNC-1 relative score (percent), macro-F1 and the F1 of every class."""
    out = {"fnc_score": relative_fnc_score(gold, predicted), "macro_f1": macro_f1(gold, predicted)}
    for lab in STANCES:
        out[f"{lab}_f1"] = class_f1(gold, predicted, lab)
    return out


# --- evidence, embedded once --------------------------------------------------------------------


class Corpus:
    """Bodies split into sentences and every distinct text embedded once, kept in memory."""

    def __init__(self, bodies: Mapping[int, str], pairs: Sequence[Pair], embedder: Embedder) -> None:
        self.pairs = list(pairs)
        sentences = {bid: split_sentences(text) for bid, text in bodies.items()}
        texts: dict[str, int] = {}
        for ss in sentences.values():
            for s in ss:
                texts.setdefault(s, len(texts))
        for p in self.pairs:
            texts.setdefault(p.headline, len(texts))
        log.info("embedding %d distinct sentences and headlines", len(texts))
        vectors = embedder.embed(list(texts))
        self._vectors = vectors
        self._index = texts
        self.bodies: dict[int, Body] = {
            bid: prepare_body(ss, vectors[[texts[s] for s in ss]] if ss else np.zeros((0, vectors.shape[1])))
            for bid, ss in sentences.items()
        }

    def evidence(self, rules: StanceRules, pairs: Iterable[Pair] | None = None) -> list[StanceEvidence]:
        """Evidence of every pair (or of ``pairs``) under the sentence-level settings of ``rules``."""
        return [
            stance_evidence(p.headline, self.bodies[p.body_id], self._vectors[self._index[p.headline]], rules)
            for p in (self.pairs if pairs is None else pairs)
        ]


def predict(evidence: Sequence[StanceEvidence], rules: StanceRules) -> list[str]:
    return [decide(ev, rules)[0] for ev in evidence]


# --- tuning -------------------------------------------------------------------------------------

# Settings that change the evidence itself (recomputed per combination) ...
_EVIDENCE_GRID = {"lexical_weight": (0.3, 0.5, 0.7), "top_k": (1, 3, 5), "window": (0, 1)}
# ... and settings that only change the decision (vectorized over the evidence).
_DECISION_GRID = {
    "related": tuple(round(0.30 + 0.02 * k, 2) for k in range(21)),
    "related_overlap": (0.6, 0.7, 0.8, 0.9, 1.01),
    "refute_count": (1, 2, 3, 99),
    "negation_match": (0.5, 0.6, 0.7, 0.8, 0.9, 1.01),  # 1.01: never (cosine <= 1)
    "hedge_share": (0.0, 0.2, 0.34, 0.5, 0.67, 0.8, 1.01),
}
_CODE = {lab: k for k, lab in enumerate(STANCES)}


def _macro_f1_codes(gold: np.ndarray, pred: np.ndarray) -> float:
    f1s = []
    for k in range(len(STANCES)):
        tp = np.count_nonzero((gold == k) & (pred == k))
        denom = np.count_nonzero(gold == k) + np.count_nonzero(pred == k)
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s))


def _decide_codes(arr: Mapping[str, np.ndarray], r: Mapping[str, float]) -> np.ndarray:
    """:func:`decide`'s labels for arrays of evidence (must mirror it exactly)."""
    related = (arr["relatedness"] >= r["related"]) | (arr["overlap"] >= r["related_overlap"])
    mismatch = arr["negation_differs"] & (arr["best_cosine"] >= r["negation_match"])
    disagree = (arr["refuting"] >= r["refute_count"]) | mismatch
    discuss = arr["hedged"] >= r["hedge_share"]
    out = np.full(len(related), _CODE["agree"])
    out[discuss] = _CODE["discuss"]
    out[disagree] = _CODE["disagree"]
    out[~related] = _CODE["unrelated"]
    return out


def tune(corpus: Corpus, pairs: Sequence[Pair]) -> tuple[StanceRules, float]:
    """The rules maximizing macro-F1 on ``pairs`` over the grids above, and that macro-F1."""
    gold = np.array([_CODE[p.stance] for p in pairs])
    best: tuple[float, StanceRules] = (-1.0, StanceRules())
    for values in itertools.product(*_EVIDENCE_GRID.values()):
        base = dataclasses.replace(StanceRules(), **dict(zip(_EVIDENCE_GRID, values)))
        evs = corpus.evidence(base, pairs)
        arr = {
            f.name: np.array([getattr(e, f.name) for e in evs])
            for f in dataclasses.fields(StanceEvidence)
            if f.name != "matched"
        }
        for dvalues in itertools.product(*_DECISION_GRID.values()):
            r = dict(zip(_DECISION_GRID, dvalues))
            score = _macro_f1_codes(gold, _decide_codes(arr, r))
            if score > best[0]:
                best = (score, dataclasses.replace(base, **r))
        log.info("after %s: best macro-F1 %.4f with %s", values, best[0], best[1])
    return best[1], best[0]


# --- entry points -------------------------------------------------------------------------------


def evaluate(corpus: Corpus, rules: StanceRules) -> dict[str, dict[str, float]]:
    """Scores on the held-out half (odd Body IDs), the tuning half and all pairs."""
    evs = corpus.evidence(rules)
    pred = predict(evs, rules)
    gold = [p.stance for p in corpus.pairs]
    out: dict[str, dict[str, float]] = {}
    for name, keep in (
        ("heldout", lambda p: not is_tuning(p.body_id)),
        ("tuning", lambda p: is_tuning(p.body_id)),
        ("all", lambda p: True),
    ):
        idx = [i for i, p in enumerate(corpus.pairs) if keep(p)]
        out[name] = scores([gold[i] for i in idx], [pred[i] for i in idx])
    return out


def measure() -> dict[str, float]:
    """FNC-1 relative score (percent), macro-F1, agree/disagree F1 with the default rules.

    ``heldout_*``: odd Body IDs, out of sample. ``all_*``: every pair, partly in-sample (the
    defaults were tuned on the even Body IDs).
    """
    corpus = Corpus(load_bodies(), load_pairs(), get_embedder("minilm"))
    res = evaluate(corpus, StanceRules())
    out: dict[str, float] = {}
    for split in ("heldout", "all"):
        for metric in ("fnc_score", "macro_f1", "agree_f1", "disagree_f1"):
            out[f"{split}_{metric}"] = res[split][metric]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", action="store_true", help="grid-search the rules on the even Body IDs first")
    ap.add_argument("--embedder", default="minilm", choices=("minilm", "lexical"))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    pairs = load_pairs()
    corpus = Corpus(load_bodies(), pairs, get_embedder(args.embedder))
    rules = StanceRules()
    if args.tune:
        rules, best = tune(corpus, [p for p in pairs if is_tuning(p.body_id)])
        sys.stdout.write(f"tuned on even Body IDs: macro-F1 {best:.4f}\n{rules}\n")
    res = evaluate(corpus, rules)
    counts = Counter(p.stance for p in pairs)
    sys.stdout.write(f"FNC-1 competition test, {len(pairs)} pairs {dict(counts)}\n")
    for split, metrics in res.items():
        note = {"heldout": "odd Body IDs, out of sample", "tuning": "even Body IDs, IN-SAMPLE", "all": "all pairs, partly in-sample"}[split]
        cells = " ".join(f"{k}={v:.4f}" for k, v in metrics.items())
        sys.stdout.write(f"{split:8s} ({note}): {cells}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
