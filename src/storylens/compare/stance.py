"""Stance of an article towards a claim: agree, disagree, discuss or unrelated.

Built only from storylens' own signals, no trained classifier:

1. relatedness: each body sentence is scored against the claim by embedding cosine plus the
   share of the claim's content words it contains; the body is about the claim when its best
   sentences score high enough, or when it contains most of the claim's content words.
2. disagree: refutation cues ("hoax", "fake", "denied", "not true", "no evidence", "debunked")
   in the best-matching sentences or right next to them, or a negation mismatch between the
   claim and its closest sentence. A cue counts against the claim only when the claim does not
   carry the same polarity itself: "the video is a hoax" is agreed with by a body saying "hoax".
3. discuss: hedges and attribution ("reportedly", "allegedly", "according to", "claims",
   "rumoured", "unconfirmed") in the best-matching sentences (on FNC-1, one hedged sentence of
   the best three was the best cut): the body passes the claim on without vouching for it.
4. agree: related, neither refuted nor hedged.

The thresholds are in :class:`StanceRules`; the defaults were tuned on the FNC-1 pairs of the
bodies with an even Body ID and checked on the odd ones (``bench/stance.py``). The work is split
so that a benchmark can embed every sentence once: :func:`stance_evidence` measures, :func:`decide`
applies the rules, :func:`stance` does both for one claim and one body.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from storylens.understand.claims import find_hedges
from storylens.understand.embed import Embedder

__all__ = [
    "STANCES",
    "StanceRules",
    "StanceEvidence",
    "Body",
    "prepare_body",
    "split_sentences",
    "content_words",
    "has_refutation",
    "has_hedge",
    "is_negated",
    "stance_evidence",
    "decide",
    "stance",
]

log = logging.getLogger(__name__)

STANCES = ("agree", "disagree", "discuss", "unrelated")


@dataclass(frozen=True, slots=True)
class StanceRules:
    """Thresholds of the stance rules.

    Defaults: the best macro-F1 of a grid search (``python -m bench.stance --tune``) on the 13,305
    FNC-1 pairs whose body has an even Body ID; the odd half is held out. What the search found:
    cosine should outweigh word overlap (0.3 lexical), three best sentences plus their direct
    neighbours are the right place to look for cues, a single refutation cue there is enough,
    and the body of a "discuss" article hedges in at least one of its three best sentences.
    """

    # weight of lexical overlap in a sentence's match score (the rest is embedding cosine)
    lexical_weight: float = 0.3
    # the best-matching sentences whose cues are read
    top_k: int = 3
    # sentences on each side of a best match that are "near" it for refutation cues
    window: int = 1
    # related when the best match score reaches this ...
    related: float = 0.38
    # ... or when the body contains this share of the claim's content words
    related_overlap: float = 0.8
    # disagree when at least this many sentences near the best matches refute the claim
    refute_count: int = 1
    # a negation mismatch counts only against a sentence this close to the claim (cosine); on
    # FNC-1 headlines mismatches below 0.9 were mostly paraphrase noise and cost macro-F1
    negation_match: float = 0.9
    # discuss when at least this share of the best-matching sentences is hedged or attributed
    hedge_share: float = 0.2


@dataclass(frozen=True, slots=True)
class StanceEvidence:
    """What :func:`decide` needs about one claim and one body."""

    relatedness: float  # the best sentence match score
    overlap: float  # share of the claim's content words found anywhere in the body
    matched: tuple[int, ...]  # indices of the best-matching sentences, best first
    refuting: int  # sentences near the best matches that refute (0 when the claim itself refutes)
    negation_differs: bool  # the claim and its closest sentence differ in negation
    best_cosine: float  # embedding cosine of the claim and its closest sentence
    hedged: float  # share of the matched sentences with a hedge or attribution cue
    claim_hedged: bool  # the claim itself is hedged (not used by decide(); for callers)


# Sentence ends: . ! ? (and closing quotes/brackets) followed by space and a capital, digit or
# opening quote; line breaks always end a sentence (FNC bodies and scraped pages use them as
# paragraph breaks). Abbreviations like "U.S. officials" rarely precede a capital in news text.
_SENT_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’')\]]))\s+(?=[A-Z\"“‘'(\[0-9])|\s*\n\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain text, by punctuation and line breaks; empty pieces dropped."""
    return [s.strip() for s in _SENT_END.split(text) if s and s.strip()]


# Function words that say nothing about what a sentence is about.
_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves said says say new one two
    """.split()
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")
# Truncating to a stem of six letters merges inflections ("refused"/"refuses", "attacks"/
# "attacked") without a stemmer; news vocabulary rarely collides at six letters.
_STEM = 6


def content_words(text: str) -> frozenset[str]:
    """Lowercased, truncated content words (no function words, nothing shorter than 3 letters)."""
    out = set()
    for w in _TOKEN.findall(text):
        w = w.casefold().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) < 3 or w in _STOPWORDS:
            continue
        if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            w = w[:-1]
        out.add(w[:_STEM])
    return frozenset(out)


# Refutation: the statement is called false, a fake or a hoax, or denied. Chosen from the words
# fact-checks and debunks use; "denied" and "rejected" also deny things other than the claim,
# which is why they count only near the sentences that match it.
_REFUTE = re.compile(
    r"\b(?:hoax(?:es)?|fake[ds]?|faking|false(?:ly|hood)?|debunk\w*|refut\w*|den(?:y|ies|ied|ying|ial)"
    r"|untrue|not true|isn['’]t true|no evidence|no proof|no truth|fabricat\w*|bogus|baseless|unfounded"
    r"|myth|satir\w*|spoof|prank(?:s|ster)?|doctored|photoshopped|misleading|made[- ]up|never happened"
    r"|(?:did not|didn['’]t) happen|not real|nonsense|dismiss(?:ed|es)|reject(?:ed|s)|retract\w*|wrong(?:ly)?)\b",
    re.IGNORECASE,
)
# Hedges and attribution beyond the hedge lexicon of understand.claims: reporting that passes a
# statement on ("according to", "rumoured", "unconfirmed", "if true").
_ATTRIBUTION = re.compile(
    r"\b(?:according to|reports? (?:say|said|claim\w*)|rumou?r\w*|unconfirmed|unverified|speculat\w*"
    r"|supposedly|apparently|if true|purported\w*|sources? (?:say|said|told|claim\w*)|is said to"
    r"|reported(?:ly)?|claim\w*|alleg\w*)\b",
    re.IGNORECASE,
)
_HEDGE_KINDS = frozenset({"hearsay", "claim", "possibility", "expectation"})
_NEGATION = re.compile(r"\b(?:not|no|never|nobody|nothing|neither|nor|cannot|without)\b|n['’]t\b", re.IGNORECASE)


def has_refutation(text: str) -> bool:
    """The text calls something false, fake or a hoax, or denies or rejects it."""
    return _REFUTE.search(text) is not None


def has_hedge(text: str) -> bool:
    """The text hedges (storylens' hedge lexicon) or attributes what it says to others."""
    if _ATTRIBUTION.search(text):
        return True
    return any(h.kind in _HEDGE_KINDS for h in find_hedges(text))


def is_negated(text: str) -> bool:
    return _NEGATION.search(text) is not None


@dataclass(frozen=True, slots=True, eq=False)
class Body:
    """A body's sentences with what the rules read from each, computed once per body."""

    sentences: tuple[str, ...]
    vectors: np.ndarray  # unit-norm sentence embeddings, one row per sentence
    words: tuple[frozenset[str], ...]
    refutes: tuple[bool, ...]
    hedged: tuple[bool, ...]
    negated: tuple[bool, ...]
    all_words: frozenset[str]


def prepare_body(sentences: Sequence[str], vectors: np.ndarray) -> Body:
    """Index a body once so that many claims can be checked against it cheaply."""
    words = tuple(content_words(s) for s in sentences)
    return Body(
        sentences=tuple(sentences),
        vectors=np.asarray(vectors, dtype=np.float32).reshape(len(sentences), -1),
        words=words,
        refutes=tuple(has_refutation(s) for s in sentences),
        hedged=tuple(has_hedge(s) for s in sentences),
        negated=tuple(is_negated(s) for s in sentences),
        all_words=frozenset().union(*words),
    )


def stance_evidence(
    claim: str, body: Body, claim_vector: np.ndarray, rules: StanceRules = StanceRules()
) -> StanceEvidence:
    """Measure relatedness, refutation, negation and hedging of ``body`` towards ``claim``.

    ``claim_vector`` is the claim's unit-norm embedding (cosine = dot product).
    """
    words = content_words(claim)
    n = len(body.sentences)
    if n == 0 or not words:
        return StanceEvidence(0.0, 0.0, (), 0, False, 0.0, 0.0, has_hedge(claim))
    cos = body.vectors @ np.asarray(claim_vector, dtype=np.float32)
    lex = np.array([len(words & w) / len(words) for w in body.words], dtype=np.float32)
    match = (1.0 - rules.lexical_weight) * cos + rules.lexical_weight * lex
    order = np.argsort(-match, kind="stable")
    matched = tuple(int(i) for i in order[: max(1, rules.top_k)])
    overlap = len(words & body.all_words) / len(words)
    # a claim that itself calls something a hoax is supported, not refuted, by "hoax" in the body
    if has_refutation(claim):
        refuting = 0
    else:
        near = {j for i in matched for j in range(i - rules.window, i + rules.window + 1) if 0 <= j < n}
        refuting = sum(1 for j in near if body.refutes[j])
    best = matched[0]
    return StanceEvidence(
        relatedness=float(match[best]),
        overlap=overlap,
        matched=matched,
        refuting=refuting,
        negation_differs=is_negated(claim) != body.negated[best],
        best_cosine=float(cos[best]),
        hedged=sum(1 for i in matched if body.hedged[i]) / len(matched),
        claim_hedged=has_hedge(claim),
    )


def _confidence(value: float, threshold: float, scale: float) -> float:
    """0.5 at the threshold, rising to 1.0 at ``scale`` away from it."""
    return 0.5 + 0.5 * min(1.0, abs(value - threshold) / scale)


def decide(ev: StanceEvidence, rules: StanceRules = StanceRules()) -> tuple[str, float]:
    """The stance and a confidence in [0.5, 1] from measured evidence."""
    related = ev.relatedness >= rules.related or ev.overlap >= rules.related_overlap
    if not related:
        return "unrelated", _confidence(ev.relatedness, rules.related, rules.related)
    mismatch = ev.negation_differs and ev.best_cosine >= rules.negation_match
    if ev.refuting >= rules.refute_count or mismatch:
        return "disagree", min(1.0, 0.5 + 0.15 * ev.refuting + (0.2 if mismatch else 0.0))
    if ev.hedged >= rules.hedge_share:
        return "discuss", _confidence(ev.hedged, rules.hedge_share, 1.0 - rules.hedge_share or 1.0)
    return "agree", _confidence(ev.hedged, rules.hedge_share, rules.hedge_share or 1.0)


def stance(
    claim: str, body: str | Sequence[str], embedder: Embedder, rules: StanceRules = StanceRules()
) -> tuple[str, float]:
    """Stance of ``body`` (a text, or its sentences) towards ``claim``: one of :data:`STANCES`."""
    sentences = split_sentences(body) if isinstance(body, str) else [s for s in body if s.strip()]
    if not sentences:
        return "unrelated", 1.0
    vectors = embedder.embed([claim, *sentences])
    ev = stance_evidence(claim, prepare_body(sentences, vectors[1:]), vectors[0], rules)
    return decide(ev, rules)
