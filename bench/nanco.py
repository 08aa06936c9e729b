"""Answer-grouping benchmark: NAnCo pairs scored with the similarity storylens aligns claims by.

Data: ``../shared/bench/answer-grouping-nanco/nanco_dataset.json`` (read in place). Eight
questions about eight news stories; each has answers taken from many outlets' articles, with a
gold group (``cluster_global``).

Protocol (the dataset README, as in the paper's evaluation):

* pairs are every two answers of one question; label 1 when their ``cluster_global`` is equal;
* a pair's score here is :func:`storylens.compare.align.claim_similarity` (the topical
  similarity storylens also uses to find conflicting claims; the same-fact decision itself is
  ``compare.samefact``'s, measured by ``bench.mrpc`` and ``bench.alignment``) between two
  :class:`~storylens.model.Claim` objects built from the answers (embedding cosine plus the
  shared-entity and shared-number bonus), computed over all answers of the question together,
  as storylens computes it over the claims of one story;
* on each validation question (Q2, Q3, Q5, Q6) the threshold on the grid 0.00, 0.01, ... 4.99
  that maximizes balanced accuracy is found (a pair is "same" when its score is strictly above
  the threshold; the lowest best threshold is kept); the four thresholds are averaged;
* with that one threshold, balanced accuracy is computed on each test question (Q4, Q7, Q8, Q9)
  and averaged.

Claims are built from the ``Answer`` span or from the whole ``Paragraph``; entities are spaCy
mentions (cleaned by :func:`find_mentions`) linked across the question's answers with
:func:`link_entities`, numbers come from :func:`find_quantities`. For the ``Answer`` variant the
paragraph is parsed and only the mentions and numbers inside the answer are kept, so NER sees the
same context it would in an article.

    python -m bench.nanco            # all variants, per question
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from bench.data import BENCH, BenchDataMissing
from storylens.compare.align import claim_similarity
from storylens.model import Claim, Mention, Quantity, Span
from storylens.understand.embed import Embedder, get_embedder
from storylens.understand.entities import find_mentions, link_entities, mention_entity_ids
from storylens.understand.quantities import find_quantities

__all__ = [
    "DATA",
    "VALIDATION",
    "TEST",
    "GRID",
    "NancoAnswer",
    "Variant",
    "load_questions",
    "pair_labels",
    "balanced_accuracy",
    "best_threshold",
    "choose_threshold",
    "mean_balanced_accuracy",
    "build_claims",
    "question_scores",
    "evaluate",
    "measure",
    "main",
]

log = logging.getLogger(__name__)

DATA = BENCH / "answer-grouping-nanco" / "nanco_dataset.json"
VALIDATION = ("Q2", "Q3", "Q5", "Q6")
TEST = ("Q4", "Q7", "Q8", "Q9")
# The published threshold grid (0 to 5 in steps of 0.01); integers over 100 avoid float drift.
GRID = tuple(k / 100 for k in range(500))


@dataclass(frozen=True, slots=True)
class NancoAnswer:
    qid: str
    answer: str
    paragraph: str
    cluster: int


@dataclass(frozen=True, slots=True)
class Variant:
    """How a claim is built from an answer: which text, and whether entities/numbers are attached."""

    field: str  # "answer" | "paragraph"
    bonus: bool  # attach linked entities and numbers (the bonus claim_similarity adds)

    @property
    def name(self) -> str:
        return f"{self.field}{'' if self.bonus else '_cosine'}"


VARIANTS = (
    Variant("answer", True),
    Variant("paragraph", True),
    Variant("answer", False),
    Variant("paragraph", False),
)


def load_questions(path: Path = DATA) -> dict[str, list[NancoAnswer]]:
    """Answers per question id, in file order."""
    if not path.is_file():
        raise BenchDataMissing(f"{path}: NAnCo data not found")
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[NancoAnswer]] = {}
    for question in data:
        for a in question["answers"]:
            out.setdefault(a["qid"], []).append(
                NancoAnswer(a["qid"], a["Answer"], a["Paragraph"], int(a["cluster_global"]))
            )
    return out


def pair_labels(answers: Sequence[NancoAnswer]) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Every two answers (i < j, in order) and their label: 1 when in the same gold group."""
    pairs = list(combinations(range(len(answers)), 2))
    labels = np.array([int(answers[i].cluster == answers[j].cluster) for i, j in pairs], dtype=np.int8)
    return pairs, labels


def balanced_accuracy(labels: Sequence[int] | np.ndarray, predicted: Sequence[int] | np.ndarray) -> float:
    """Mean recall over the classes present in ``labels`` (sklearn's definition)."""
    y = np.asarray(labels, dtype=bool)
    p = np.asarray(predicted, dtype=bool)
    recalls = [float(np.mean(p[y == cls] == cls)) for cls in (False, True) if np.any(y == cls)]
    return sum(recalls) / len(recalls) if recalls else 0.0


def best_threshold(
    scores: Sequence[float] | np.ndarray, labels: Sequence[int] | np.ndarray, grid: Sequence[float] = GRID
) -> tuple[float, float]:
    """The lowest grid threshold whose ``score > t`` rule has the highest balanced accuracy, and it."""
    s = np.asarray(scores, dtype=np.float64)
    best_t, best_ba = grid[0], -1.0
    for t in grid:
        ba = balanced_accuracy(labels, s > t)
        if ba > best_ba:
            best_t, best_ba = t, ba
    return best_t, best_ba


def choose_threshold(per_question: Mapping[str, tuple[np.ndarray, np.ndarray]], qids: Sequence[str] = VALIDATION) -> float:
    """The mean over ``qids`` of each question's best threshold."""
    return float(np.mean([best_threshold(*per_question[q])[0] for q in qids]))


def mean_balanced_accuracy(
    per_question: Mapping[str, tuple[np.ndarray, np.ndarray]], threshold: float, qids: Sequence[str] = TEST
) -> float:
    """Balanced accuracy of ``score > threshold`` on each question of ``qids``, averaged."""
    return float(np.mean([balanced_accuracy(per_question[q][1], per_question[q][0] > threshold) for q in qids]))


def _parse_all(answers: Iterable[NancoAnswer]) -> dict[str, object]:
    """spaCy docs of every distinct paragraph and stray answer text, parsed once."""
    from storylens.understand.nlp import get_nlp

    nlp = get_nlp()
    texts: dict[str, None] = {}
    for a in answers:
        texts.setdefault(a.paragraph, None)
        if a.answer not in a.paragraph:
            texts.setdefault(a.answer, None)
    return dict(zip(texts, nlp.pipe(list(texts), batch_size=16)))


def build_claims(answers: Sequence[NancoAnswer], variant: Variant, docs: Mapping[str, object]) -> list[Claim]:
    """One claim per answer; with ``variant.bonus`` its linked entities and numbers attached."""
    texts: list[str] = []
    mentions: dict[str, tuple[Mention, ...]] = {}
    quantities: list[tuple[Quantity, ...]] = []
    for k, a in enumerate(answers):
        if variant.field == "paragraph":
            host, start = a.paragraph, 0
            text = a.paragraph
        elif a.answer in a.paragraph:
            # the one answer whose quotes differ from its paragraph's is parsed on its own
            host, start = a.paragraph, a.paragraph.index(a.answer)
            text = a.answer
        else:
            host, start, text = a.answer, 0, a.answer
        texts.append(text)
        if not variant.bonus:
            continue
        span = Span(start, start + len(text))
        doc = docs[host]
        mentions[str(k)] = tuple(
            Mention(Span(m.span.start - start, m.span.end - start), m.text, m.label)
            for m in find_mentions(doc)  # type: ignore[arg-type]
            if span.contains(m.span)
        )
        quantities.append(tuple(q for q in find_quantities(doc) if span.contains(q.span)))  # type: ignore[arg-type]
    linked: dict[str, tuple[Mention, ...]] = link_entities(mentions)[1] if variant.bonus else {}
    claims = []
    for k, text in enumerate(texts):
        span = Span(0, len(text))
        claims.append(
            Claim(
                id=f"{answers[k].qid}:{k}",
                article_id=f"{answers[k].qid}:{k}",
                span=span,
                text=text,
                entities=mention_entity_ids(linked.get(str(k), ()), span),
                quantities=quantities[k] if variant.bonus else (),
            )
        )
    return claims


def question_scores(claims: Sequence[Claim], answers: Sequence[NancoAnswer], embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """Pair scores (claim similarity, over the question's claims together) and pair labels."""
    sim = claim_similarity(claims, embedder)
    pairs, labels = pair_labels(answers)
    return np.array([float(sim[i, j]) for i, j in pairs]), labels


@dataclass(frozen=True, slots=True)
class Result:
    variant: Variant
    threshold: float
    validation: dict[str, float]  # per question, at that question's own best threshold
    test: dict[str, float]  # per question, at the chosen threshold

    @property
    def test_mean(self) -> float:
        return float(np.mean(list(self.test.values())))


def evaluate(
    questions: Mapping[str, Sequence[NancoAnswer]],
    variant: Variant,
    embedder: Embedder,
    docs: Mapping[str, object],
) -> Result:
    """The published protocol for one way of building claims."""
    per_q = {
        q: question_scores(build_claims(answers, variant, docs), answers, embedder) for q, answers in questions.items()
    }
    t = choose_threshold(per_q)
    return Result(
        variant=variant,
        threshold=t,
        validation={q: best_threshold(*per_q[q])[1] for q in VALIDATION},
        test={q: mean_balanced_accuracy(per_q, t, (q,)) for q in TEST},
    )


def _run(variants: Sequence[Variant] = VARIANTS, embedder_name: str = "minilm") -> list[Result]:
    questions = load_questions()
    docs = _parse_all(a for answers in questions.values() for a in answers) if any(v.bonus for v in variants) else {}
    embedder = get_embedder(embedder_name)
    return [evaluate(questions, v, embedder, docs) for v in variants]


def measure() -> dict[str, float]:
    """Mean test balanced accuracy (published protocol) of the topical claim similarity.

    ``answer_*`` builds claims from the answer spans, ``paragraph_*`` from whole paragraphs; both
    with the entity and number bonus, as storylens aligns claims.
    """
    out: dict[str, float] = {}
    for r in _run(VARIANTS[:2]):
        name = r.variant.name
        out[f"{name}_test_bacc"] = r.test_mean
        out[f"{name}_threshold"] = r.threshold
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", default="minilm", choices=("minilm", "lexical"))
    args = ap.parse_args(argv)
    out = sys.stdout
    out.write(f"NAnCo, validation {'/'.join(VALIDATION)}, test {'/'.join(TEST)}\n")
    for r in _run(embedder_name=args.embedder):
        val = " ".join(f"{q}={v:.3f}" for q, v in r.validation.items())
        test = " ".join(f"{q}={v:.3f}" for q, v in r.test.items())
        out.write(
            f"{r.variant.name:18s} threshold {r.threshold:.4f}  test bacc {r.test_mean:.4f} ({test})\n"
            f"{'':18s} validation (own best thresholds) {val}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
