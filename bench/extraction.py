"""Main-text extraction benchmark on ``shared/bench/article-extraction`` (181 real pages).

Metric, implemented from the dataset README: per page, word 4-gram shingles (``\\w+`` tokens,
multiset) of the gold and predicted text; tp/fp/fn normalized per page; precision averaged over
pages with tp+fp > 0, recall over pages with tp+fn > 0; F1 of the two averages.
The scorer is checked against the published reference outputs: trafilatura 2.0.0 must give
F1 0.958 (P 0.938, R 0.978).

    python -m bench.extraction            # ours and the reproduced reference
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
from collections import Counter
from typing import Mapping, Sequence

from bench.data import require
from storylens.ingest import IngestError
from storylens.ingest.html import article_from_html
from storylens.settings import Settings

__all__ = ["shingles", "score", "extract_all", "measure"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    toks = _WORD.findall(text or "")
    if len(toks) < 4:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + 4]) for i in range(len(toks) - 3))


def score(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, float]:
    """Precision, recall and F1 as the benchmark defines them (every page weighs the same)."""
    precisions: list[float] = []
    recalls: list[float] = []
    for key, truth in gold.items():
        t, p = shingles(truth), shingles(pred.get(key, ""))
        tp = sum((t & p).values())
        fp = sum(p.values()) - tp
        fn = sum(t.values()) - tp
        total = tp + fp + fn
        if total == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        tp, fp, fn = tp / total, fp / total, fn / total
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def extract_all() -> tuple[dict[str, str], dict[str, str], int]:
    """Gold texts, our extracted texts, and how many pages failed."""
    root = require("article-extraction")
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    settings = Settings(min_chars=0)
    gold, ours, failed = {}, {}, 0
    for key, item in truth.items():
        gold[key] = item["articleBody"]
        data = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        try:
            ours[key] = article_from_html(data, origin=key, settings=settings, url=item.get("url")).text
        except IngestError as exc:
            log.info("%s: %s", key, exc)
            failed += 1
    return gold, ours, failed


def reference(name: str = "trafilatura") -> dict[str, str]:
    root = require("article-extraction")
    out = json.loads((root / "reference-output" / f"{name}.json").read_text(encoding="utf-8"))["output"]
    return {k: v.get("articleBody") or "" for k, v in out.items()}


def measure() -> dict[str, float]:
    gold, ours, failed = extract_all()
    s = score(gold, ours)
    return {"f1": s["f1"], "precision": s["precision"], "recall": s["recall"], "failed_pages": float(failed)}


def main(argv: Sequence[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    logging.disable(logging.WARNING)
    gold, ours, failed = extract_all()
    for name in ("trafilatura", "rs_trafilatura"):
        s = score(gold, reference(name))
        print(f"reference {name:15s} F1={s['f1']:.3f} P={s['precision']:.3f} R={s['recall']:.3f}")
    s = score(gold, ours)
    print(f"storylens {'':15s} F1={s['f1']:.3f} P={s['precision']:.3f} R={s['recall']:.3f} failed={failed}")


if __name__ == "__main__":
    main()
