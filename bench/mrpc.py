"""MRPC: is storylens's same-fact decision right on single news sentence pairs?

Reads ``../shared/bench/paraphrase-mrpc`` in place (Microsoft Research Paraphrase Corpus). Each
pair is scored with the context-free stage of ``compare.samefact`` (the stage-2 story features
need a story around the pair, which MRPC does not give), with word rarity taken over the sentences
being scored. The decision threshold :data:`THRESHOLD` was chosen on the training set only (by
``python -m bench.fit_samefact mrpc``, which also fitted the stage's weights there); the test set
is only scored.

    python -m bench.mrpc            # test accuracy and F1
    python -m bench.mrpc --train    # the same on the training set (in-sample)
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.data import BENCH, BenchDataMissing

__all__ = ["load_pairs", "features", "measure", "THRESHOLD"]

DATA = BENCH / "paraphrase-mrpc"
# chosen on MRPC train by bench/fit_samefact.py (the accuracy-maximising probability bar)
THRESHOLD = 0.48


def load_pairs(split: str = "test") -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) of ``msr_paraphrase_{split}.txt``."""
    path = DATA / f"msr_paraphrase_{split}.txt"
    if not path.is_file():
        raise BenchDataMissing(f"{path}: MRPC data not found")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        return [(int(r[0]), r[3], r[4]) for r in rows if len(r) >= 5]


def features(pairs: Sequence[tuple[int, str, str]]) -> np.ndarray:
    """Stage-1 feature rows of the pairs; rarity over the distinct sentences of ``pairs``."""
    from storylens.compare.samefact import Corpus, Side, pair_features
    from storylens.understand.embed import get_embedder

    texts = sorted({s for _, a, b in pairs for s in (a, b)})
    embedder = get_embedder("minilm")
    vectors, tokens = embedder.embed_tokens(texts)  # type: ignore[attr-defined]
    sides = {t: Side.of(t, vectors[k], tokens[k]) for k, t in enumerate(texts)}
    corpus = Corpus(list(sides.values()))
    return np.array([pair_features(sides[a], sides[b], corpus) for _, a, b in pairs])


def scores(labels: np.ndarray, prob: np.ndarray, threshold: float) -> dict[str, float]:
    pred = prob >= threshold
    tp = int((pred & (labels == 1)).sum())
    f1 = 2 * tp / max(1, int(pred.sum()) + int((labels == 1).sum()))
    return {"accuracy": round(float((pred == (labels == 1)).mean()) * 100, 2), "f1": round(f1 * 100, 2)}


def measure(split: str = "test") -> dict[str, float]:
    from storylens.compare.samefact import pair_logit, sigmoid

    pairs = load_pairs(split)
    labels = np.array([y for y, _, _ in pairs])
    prob = np.asarray(sigmoid(pair_logit(features(pairs))))
    out = scores(labels, prob, THRESHOLD)
    return {f"{split}_{k}": v for k, v in out.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="score the training set (in-sample)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    for k, v in measure("train" if args.train else "test").items():
        print(f"{k:20s} {v:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
