"""Fit the weights of ``storylens.compare.samefact`` (not run by CI; its printout is pasted there).

    python -m bench.fit_samefact mrpc        # stage 1 on the MRPC training pairs, + bench.mrpc's threshold
    python -m bench.fit_samefact alignment   # stage 2 on the tuning half of cross-outlet-alignment

Both fit an L2-regularised logistic regression on standardised features and print the weights
on the raw feature scale. Stage 1 sees only MRPC train. Stage 2 sees only the claim pairs of the
8 tuning stories (even positions in triplet order): a pair is positive when the gold sentences its
two claims fall in are a gold ``same`` pair (full or partial). The 7 other stories are scored
here only to print how the fit carries over, never to choose anything.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

import numpy as np
from scipy.optimize import minimize

__all__ = ["fit_logistic", "main"]

log = logging.getLogger(__name__)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Weights and intercept on the raw scale of ``x``, fitted on standardised columns."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])

    def loss(b: np.ndarray) -> tuple[float, np.ndarray]:
        p = 1.0 / (1.0 + np.exp(-(z @ b)))
        eps = 1e-12
        ll = -(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)).sum()
        reg = np.r_[b[:-1], 0.0]
        return float(ll + l2 * (reg**2).sum()), z.T @ (p - y) + 2 * l2 * reg

    b = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B").x
    w = b[:-1] / sd
    return w, float(b[-1] - (w * mu).sum())


def _print_weights(names: Sequence[str], w: np.ndarray, b: float, prefix: str) -> None:
    print(f"{prefix}_WEIGHTS = np.array([")
    for n, v in zip(names, w):
        print(f"    {v: .4f},  # {n}")
    print("])")
    print(f"{prefix}_INTERCEPT = {b:.4f}")


def fit_mrpc() -> None:
    from bench.mrpc import features, load_pairs, scores
    from storylens.compare.samefact import PAIR_FEATURES

    pairs = load_pairs("train")
    x = features(pairs)
    y = np.array([float(lab) for lab, _, _ in pairs])
    w, b = fit_logistic(x, y)
    _print_weights(PAIR_FEATURES, w, b, "PAIR")
    prob = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    grid = np.round(np.linspace(0.2, 0.8, 61), 3)
    acc = [scores(y, prob, t)["accuracy"] for t in grid]
    best = float(grid[int(np.argmax(acc))])
    print(f"# bench.mrpc THRESHOLD = {best}  (train accuracy {max(acc):.2f}, in-sample)")


def alignment_pairs(stories, analyses_by_id):  # type: ignore[no-untyped-def]
    """Per gold story: (story, candidates, labels, claims) from the pipeline's own claims."""
    from bench.alignment import _locator
    from storylens.compare import article_docs, claim_roles, link_story
    from storylens.settings import Settings
    from storylens.compare.samefact import candidates
    from storylens.understand.embed import get_embedder

    embedder = get_embedder("minilm")
    out = []
    for g in stories:
        _, linked = link_story([analyses_by_id[a.id] for a in g.articles.values()])
        claims = [c for a in linked for c in a.claims]
        texts = [c.text for c in claims]
        vectors, tokens = embedder.embed_tokens(texts)  # type: ignore[attr-defined]
        articles = {a.article.id: a.article for a in linked}
        roles = claim_roles(claims, articles, article_docs(linked, Settings()), linked)
        cand = candidates(claims, texts, vectors, tokens, roles)
        locate = _locator([g])
        sids = [locate(c.article_id, c.span) for c in claims]
        labels = np.array(
            [1.0 if sids[i] and sids[j] and frozenset({sids[i], sids[j]}) in g.same else 0.0 for i, j in cand.pairs]
        )
        out.append((g, cand, labels, claims))
    return out


def fit_alignment() -> None:
    from bench.alignment import load_gold
    from storylens.compare.samefact import ALIGN_FEATURES
    from storylens.settings import Settings
    from storylens.understand import analyze_articles

    stories = load_gold()
    arts = [a for g in stories for a in g.articles.values()]
    analyses = {x.article.id: x for x in analyze_articles(arts, Settings()) if hasattr(x, "article")}
    data = alignment_pairs(stories, analyses)
    tune = [d for d in data if d[0].tune]
    x = np.vstack([d[1].features for d in tune])
    y = np.concatenate([d[2] for d in tune])
    print(f"# {len(y)} candidate pairs on the tuning half, {int(y.sum())} gold same")
    # stronger regularisation than stage 1: 8 stories, a few hundred positive pairs
    w, b = fit_logistic(x, y, l2=3.0)
    _print_weights(ALIGN_FEATURES, w, b, "STORY")
    for name, part in (("tune", tune), ("check", [d for d in data if not d[0].tune])):
        xs = np.vstack([d[1].features for d in part])
        ys = np.concatenate([d[2] for d in part])
        p = 1.0 / (1.0 + np.exp(-(xs @ w + b)))
        for t in (0.3, 0.4, 0.5, 0.6, 0.7):
            sel = p >= t
            print(f"# {name} pairwise at {t}: {int(sel.sum())} pairs, precision {ys[sel].mean() if sel.any() else 0:.3f}, "
                  f"recall of gold same among candidates {ys[sel].sum() / max(1, ys.sum()):.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["mrpc", "alignment"])
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    fit_mrpc() if args.stage == "mrpc" else fit_alignment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
