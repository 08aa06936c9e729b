"""Do two claims state the same fact? A calibrated probability from what the sentences say.

Reading alike is not saying the same thing: "no charges have been filed" and "was charged with
five crimes" are about one subject and embed close together. The decision is made in two stages,
each a logistic model over a few named features whose weights were fitted on public data by
``bench/fit_samefact.py`` (the weights below are its printout; rerun it to refit):

1. :func:`pair_logit`, context-free: the cosine of the sentence embeddings; how well each
   sentence's word pieces are covered by the other's most similar contextual piece (plain and
   weighted by rarity over the run); rare content words shared; word bigrams shared; numbers shared
   or contradicting; length ratio. Fitted on the MRPC training set (news sentence pairs judged
   equivalent or not); ``bench/mrpc.py`` measures it on MRPC's test set.
2. :func:`story_logit`, within a story: the stage-1 logit plus what only a story shows - whether
   the pair stands out from each claim's other candidates in the same article (a topical sentence
   matches many sentences about equally; a restatement matches one), canonical entities shared,
   the same or a different named source, a verbatim run of words, a negation on one side only,
   the same resolved day. Fitted on the tuning half (8 of 15 stories) of
   ``cross-outlet-alignment``; the other 7 stories are only checked. Two claims that print the
   same run of seven words or more (a quote, a copied line) are the same fact at least
   :data:`VERBATIM_FLOOR`, whatever else each says around it.

The result is the probability that an annotator would call the two claims the same fact (fully
or in part). ``Settings.fact_threshold`` and above aligns them as one fact,
``Settings.related_threshold`` and above shows them as related only; both bars were chosen on the
tuning half.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from storylens.model import Claim
from storylens.understand.embed import TokenStates

__all__ = [
    "PAIR_FEATURES",
    "STORY_FEATURES",
    "ALIGN_FEATURES",
    "Side",
    "Roles",
    "Corpus",
    "pair_features",
    "pair_logit",
    "story_features",
    "story_logit",
    "sigmoid",
    "CANDIDATE_COSINE",
]

# Pairs below this cosine are never compared further. On the tuning stories 1 of 55 full pairs
# lies below it (two sentences that share no content word: "It is both of them together." for
# "both parties are to blame"); the cut keeps the feature work to a few percent of all pairs.
CANDIDATE_COSINE = 0.30

_WORD = re.compile(r"\w+(?:[.,'’]\w+)*", re.UNICODE)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "say", "told", "mr", "ms", "mrs"}


_STOP = _stop_words()


def _norm(word: str) -> str:
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if _NUMBER.match(w):
        return w.replace(",", "")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


@dataclass(frozen=True, slots=True)
class Roles:
    """Who does what in a claim, read from its article's parse (``framing.role_fillers``)."""

    actor: frozenset[str] = frozenset()  # entity ids named in the subject of the main verb
    action: str | None = None  # the main verb's lemma


@dataclass(frozen=True, slots=True)
class Side:
    """One text made ready for comparison."""

    words: tuple[str, ...]
    content: frozenset[str]
    numbers: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    vector: np.ndarray
    tokens: TokenStates | None = None

    @classmethod
    def of(cls, text: str, vector: np.ndarray, tokens: TokenStates | None = None) -> Side:
        words = tuple(_norm(w) for w in _WORD.findall(text.translate(_QUOTES)))
        content = frozenset(w for w in words if w not in _STOP and (len(w) > 1 or w.isdigit()))
        numbers = frozenset(w for w in words if _NUMBER.match(w))
        bigrams = frozenset(zip(words, words[1:]))
        return cls(words, content, numbers, bigrams, vector, tokens)


class Corpus:
    """Rarity of words and word pieces over the texts of a run (a story, or a benchmark's pairs).

    idf = log((n + 1) / (df + 0.5)): a word in every text weighs about nothing, one in a single
    text the most.
    """

    def __init__(self, sides: Sequence[Side]) -> None:
        self.n = max(1, len(sides))
        df: dict[str, int] = {}
        piece_df: dict[int, int] = {}
        for s in sides:
            for w in s.content:
                df[w] = df.get(w, 0) + 1
            if s.tokens is not None:
                for t in set(s.tokens.ids.tolist()):
                    piece_df[t] = piece_df.get(t, 0) + 1
        self._df = df
        self._piece_df = piece_df
        self._unseen = math.log((self.n + 1) / 0.5)

    def idf(self, word: str) -> float:
        k = self._df.get(word)
        return self._unseen if k is None else math.log((self.n + 1) / (k + 0.5))

    def piece_weights(self, ids: np.ndarray) -> np.ndarray:
        n1 = self.n + 1
        return np.asarray([math.log(n1 / (self._piece_df.get(int(t), 0) + 0.5)) for t in ids], dtype=np.float32)


PAIR_FEATURES = (
    "cosine",  # sentence embeddings
    "cover_min",  # token coverage: the less covered side
    "cover_max",  # token coverage: the better covered side
    "wcover_min",  # the same, pieces weighted by rarity
    "wcover_max",
    "shared_rare",  # rarity-weighted content words shared / those of the larger side
    "contained_rare",  # ... / those of the smaller side
    "bigrams",  # word bigrams shared / those of the shorter text
    "numbers_shared",  # both give numbers and share one
    "numbers_differ",  # both give numbers and share none
    "length_ratio",  # shorter / longer, in words
)


def _coverage(a: TokenStates, b: TokenStates, wa: np.ndarray, wb: np.ndarray) -> tuple[float, float, float, float]:
    if len(a.ids) == 0 or len(b.ids) == 0:
        return 0.0, 0.0, 0.0, 0.0
    sim = a.vectors @ b.vectors.T
    best_a = sim.max(axis=1)  # each piece of a, by its best match in b
    best_b = sim.max(axis=0)
    ca, cb = float(best_a.mean()), float(best_b.mean())
    wca = float((best_a * wa).sum() / max(wa.sum(), 1e-6))
    wcb = float((best_b * wb).sum() / max(wb.sum(), 1e-6))
    return min(ca, cb), max(ca, cb), min(wca, wcb), max(wca, wcb)


def pair_features(a: Side, b: Side, corpus: Corpus) -> np.ndarray:
    """The stage-1 features of two texts, in :data:`PAIR_FEATURES` order (symmetric in a, b)."""
    cosine = float(a.vector @ b.vector)
    if a.tokens is not None and b.tokens is not None:
        cover = _coverage(a.tokens, b.tokens, corpus.piece_weights(a.tokens.ids), corpus.piece_weights(b.tokens.ids))
    else:  # without token states the sentence cosine stands in for coverage
        cover = (cosine, cosine, cosine, cosine)
    shared = a.content & b.content
    w_shared = sum(corpus.idf(w) for w in shared)
    w_a = sum(corpus.idf(w) for w in a.content)
    w_b = sum(corpus.idf(w) for w in b.content)
    big = max(w_a, w_b)
    small = min(w_a, w_b)
    n_big = min(len(a.bigrams), len(b.bigrams))
    both_numbers = bool(a.numbers) and bool(b.numbers)
    la, lb = len(a.words), len(b.words)
    return np.array(
        [
            cosine,
            *cover,
            w_shared / big if big > 0 else 0.0,
            w_shared / small if small > 0 else 0.0,
            len(a.bigrams & b.bigrams) / n_big if n_big else 0.0,
            float(both_numbers and bool(a.numbers & b.numbers)),
            float(both_numbers and not (a.numbers & b.numbers)),
            min(la, lb) / max(la, lb, 1),
        ],
        dtype=np.float64,
    )


# Stage 1, fitted by `python -m bench.fit_samefact mrpc` on the 3,676 MRPC training pairs
# (L2-regularised logistic regression; weights on the raw feature scale).
PAIR_WEIGHTS = np.array([
    0.7472,  # cosine
    2.5820,  # cover_min
    -1.8054,  # cover_max
    2.0547,  # wcover_min
    5.3308,  # wcover_max
    0.6455,  # shared_rare
    0.2302,  # contained_rare
    -0.4697,  # bigrams
    -0.3481,  # numbers_shared
    -0.8958,  # numbers_differ
    3.9775,  # length_ratio
])
PAIR_INTERCEPT = -9.5184


def pair_logit(features: np.ndarray) -> np.ndarray:
    """Stage-1 log-odds of "equivalent" for one feature row or a matrix of rows."""
    return features @ PAIR_WEIGHTS + PAIR_INTERCEPT


STORY_FEATURES = (
    "pair_logit",  # stage 1
    "margin_min",  # stage-1 probability over each claim's best other candidate in the same
    "margin_max",  #   article: the smaller and the larger of the two sides' margins
    "entities",  # rarity-weighted canonical entities shared / all the two name
    "same_source",  # both credited to named sources, and one is the same
    "other_source",  # both credited to named sources, none the same
    "verbatim",  # longest run of identical words, as a share of the shorter claim (capped at 8 words)
    "negation_differs",  # one side negated, the other not
    "same_day",  # both resolve a day, and it is the same
    "ledes",  # both among the first two claims of their articles (ledes restate the main fact)
    "actor_same",  # the main verbs' subjects name a common entity
    "actor_differs",  # both subjects name entities, none in common ("X nixed it" / "Y postponed it")
    "action_same",  # the same main verb (lemma)
)
# stage 2 also re-weighs the stage-1 features themselves: MRPC calls a pair with an added clause
# "not equivalent", while two outlets state one fact with more or less detail
ALIGN_FEATURES = STORY_FEATURES + PAIR_FEATURES


def _longest_run(a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
    """The longest run of identical consecutive words of ``a`` and ``b``."""
    if not a or not b:
        return ()
    best, end = 0, 0
    prev = [0] * (len(b) + 1)
    for i, x in enumerate(a):
        cur = [0] * (len(b) + 1)
        for k, y in enumerate(b, 1):
            if x == y:
                cur[k] = prev[k - 1] + 1
                if cur[k] > best:
                    best, end = cur[k], i + 1
        prev = cur
    return tuple(a[end - best : end])


def _source_keys(claim: Claim) -> set[str]:
    keys = set()
    for s in claim.sources:
        if s.kind in ("person", "organization", "outlet") and (s.entity_id or s.name):
            keys.add(s.entity_id or (s.name or "").casefold())
    return keys


def _days(claim: Claim) -> set[str]:
    return {t.value for t in claim.times if t.start is not None and t.granularity == "day" and t.value}


def story_features(
    a: Claim,
    b: Claim,
    sa: Side,
    sb: Side,
    logit1: float,
    margins: tuple[float, float],
    entity_idf: Mapping[str, float],
    ranks: tuple[int, int] = (99, 99),
    roles: tuple[Roles, Roles] = (Roles(), Roles()),
    run: int | None = None,
) -> np.ndarray:
    """The stage-2 features of two claims of one story, in :data:`STORY_FEATURES` order
    (``run``: the longest run of identical words of the two, when already measured)."""
    ea, eb = set(a.entities), set(b.entities)
    union = sum(entity_idf.get(e, 0.0) for e in ea | eb)
    shared = sum(entity_idf.get(e, 0.0) for e in ea & eb)
    ka, kb = _source_keys(a), _source_keys(b)
    if run is None:
        run = len(_longest_run(sa.words, sb.words))
    shorter = max(1, min(len(sa.words), len(sb.words)))
    da, db = _days(a), _days(b)
    return np.array(
        [
            logit1,
            min(margins),
            max(margins),
            shared / union if union > 0 else 0.0,
            float(bool(ka and kb) and bool(ka & kb)),
            float(bool(ka and kb) and not (ka & kb)),
            min(run, 8) / min(shorter, 8),
            float(a.negated != b.negated),
            float(bool(da & db)),
            float(max(ranks) < 2),
            float(bool(roles[0].actor & roles[1].actor)),
            float(bool(roles[0].actor) and bool(roles[1].actor) and not (roles[0].actor & roles[1].actor)),
            float(roles[0].action is not None and roles[0].action == roles[1].action),
        ],
        dtype=np.float64,
    )


# Stage 2, fitted by `python -m bench.fit_samefact alignment` on the claim pairs of the tuning
# half of cross-outlet-alignment (positives: gold "same" pairs, full or partial; L2 3.0).
STORY_WEIGHTS = np.array([
    0.2190,  # pair_logit
    0.9027,  # margin_min
    1.7955,  # margin_max
    0.3739,  # entities
    -1.0551,  # same_source
    -0.9696,  # other_source
    1.2712,  # verbatim
    -0.2838,  # negation_differs
    0.4264,  # same_day
    2.0221,  # ledes
    0.3306,  # actor_same
    -0.4357,  # actor_differs
    0.2271,  # action_same
    -0.2466,  # cosine
    -7.1223,  # cover_min
    0.4123,  # cover_max
    12.5465,  # wcover_min
    11.0372,  # wcover_max
    -0.9318,  # shared_rare
    3.2989,  # contained_rare
    -4.4817,  # bigrams
    0.5395,  # numbers_shared
    -0.7681,  # numbers_differ
    -0.5393,  # length_ratio
])
STORY_INTERCEPT = -8.4592
    # tune pairwise at 0.3: 159 pairs, precision 0.711, recall of gold same among candidates 0.489



def story_logit(features: np.ndarray) -> np.ndarray:
    return features @ STORY_WEIGHTS + STORY_INTERCEPT


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


# Two outlets that print the same run of seven words, four of them content words ("I'm addicted
# to spending and big government"), quote or copy one statement: on the 15 annotated stories of
# cross-outlet-alignment, 98 of the 100 sentence pairs with such a run are the same fact (one is
# a gold conflict: one quote, its polarity changed; counted over all 15, so the held-out 7 are
# in-sample for this rule). The model weighs a verbatim run only up to eight words as a share of
# the shorter sentence, so a shared quote inside two long sentences that say more around it
# scored below the bar (4 such pairs on the tuning half, all the same fact). Such a pair is at
# least VERBATIM_FLOOR.
VERBATIM_RUN = 7
VERBATIM_CONTENT = 4
VERBATIM_FLOOR = 0.9


def _verbatim(run: Sequence[str], a: Side) -> int:
    """The length of a run of identical words, 0 when it holds fewer than VERBATIM_CONTENT
    content words of ``a``."""
    return len(run) if sum(w in a.content for w in run) >= VERBATIM_CONTENT else 0


@dataclass(frozen=True, slots=True)
class Candidates:
    """The claim pairs of a story worth deciding, with their stage-2 features."""

    pairs: list[tuple[int, int]]  # i < j, claims of different articles
    features: np.ndarray  # one ALIGN_FEATURES row per pair
    pair_rows: np.ndarray  # one PAIR_FEATURES row per pair (the second part of ``features``)
    cosine: np.ndarray  # the full claim-by-claim cosine matrix
    runs: np.ndarray | None = None  # per pair: its longest run of identical words (0 if it holds few content words)

    def probabilities(self) -> np.ndarray:
        if not self.pairs:
            return np.zeros(0)
        p = np.asarray(sigmoid(story_logit(self.features)), dtype=np.float64)
        if self.runs is not None:
            p = np.where(self.runs >= VERBATIM_RUN, np.maximum(p, VERBATIM_FLOOR), p)
        return p


def candidates(
    claims: Sequence[Claim],
    texts: Sequence[str],
    vectors: np.ndarray,
    tokens: Sequence[TokenStates] | None,
    roles: Sequence[Roles] | None = None,
) -> Candidates:
    """Stage-1 and stage-2 features of every cross-article pair above :data:`CANDIDATE_COSINE`."""
    n = len(claims)
    cosine = vectors @ vectors.T if n else np.zeros((0, 0), dtype=np.float32)
    if n < 2:
        return Candidates([], np.zeros((0, len(ALIGN_FEATURES))), np.zeros((0, len(PAIR_FEATURES))), cosine)
    art = np.array([c.article_id for c in claims], dtype=object)
    upper = np.triu(cosine >= CANDIDATE_COSINE, k=1) & (art[:, None] != art[None, :])
    pairs = [(int(i), int(j)) for i, j in zip(*np.nonzero(upper))]
    sides = [Side.of(t, vectors[k], tokens[k] if tokens else None) for k, t in enumerate(texts)]
    corpus = Corpus(sides)
    if not pairs:
        return Candidates([], np.zeros((0, len(ALIGN_FEATURES))), np.zeros((0, len(PAIR_FEATURES))), cosine)
    p1 = np.array([pair_features(sides[i], sides[j], corpus) for i, j in pairs])
    logit1 = pair_logit(p1)
    prob1 = np.asarray(sigmoid(logit1))
    # each claim's best and second-best stage-1 probability per other article
    top: dict[tuple[int, str], list[float]] = {}
    for (i, j), p in zip(pairs, prob1):
        for x, y in ((i, j), (j, i)):
            best = top.setdefault((x, art[y]), [0.0, 0.0])
            if p > best[0]:
                best[0], best[1] = float(p), best[0]
            elif p > best[1]:
                best[1] = float(p)

    def margin(x: int, y: int, p: float) -> float:
        first, second = top[(x, art[y])]
        return p - (second if p >= first else first)

    df: dict[str, int] = {}
    for c in claims:
        for e in set(c.entities):
            df[e] = df.get(e, 0) + 1
    entity_idf = {e: math.log((n + 1) / (k + 0.5)) for e, k in df.items()}
    # the rank of each claim's sentence in its article (claims come in article order; the clause
    # claims of one sentence share its rank)
    per_article: dict[str, int] = {}
    sentence_rank: dict[tuple[str, int], int] = {}
    rank = []
    for c in claims:
        key = (c.article_id, (c.sentence or c.span).start)
        if key not in sentence_rank:
            sentence_rank[key] = per_article.get(c.article_id, 0)
            per_article[c.article_id] = sentence_rank[key] + 1
        rank.append(sentence_rank[key])
    common = [_longest_run(sides[i].words, sides[j].words) for i, j in pairs]
    rows = [
        story_features(
            claims[i], claims[j], sides[i], sides[j], float(l1), (margin(i, j, float(p)), margin(j, i, float(p))),
            entity_idf, (rank[i], rank[j]), (roles[i], roles[j]) if roles else (Roles(), Roles()), len(run),
        )
        for (i, j), l1, p, run in zip(pairs, logit1, prob1, common)
    ]
    runs = np.array([_verbatim(run, sides[i]) for (i, _), run in zip(pairs, common)])
    return Candidates(pairs, np.hstack([np.array(rows), p1]), p1, cosine, runs)
