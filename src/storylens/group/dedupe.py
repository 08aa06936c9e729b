"""Near-duplicate and syndicated copies among the articles of one run.

Exact duplicates share an ``Article.id`` (a hash of the normalised text) and are dropped by the
pipeline before this runs. Here: a MinHash sketch of the word 5-gram shingles of each text,
banded (LSH), proposes candidate pairs cheaply; each candidate is confirmed with the exact
*containment* of the shingle sets, ``|A ∩ B| / min(|A|, |B|)``. Containment (rather than
Jaccard) keeps a copy a copy however much an outlet adds around it (paragraphs, credit lines,
background): half of a seed article scored containment 1.0 against the whole, Jaccard 0.5.

The sketch is one-permutation MinHash (each shingle hashed once, the minimum kept in each of
``SKETCH_BINS`` bins, empty bins filled from the next full one), computed with numpy over many
articles at once, and the bands are matched by sorting: a million articles take minutes, not
the hours of hashing every shingle 128 times (bench/grouping_scale.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timezone
from typing import Callable, Sequence

import numpy as np

from storylens.model import Article

__all__ = ["find_copies", "shingles", "containment", "shingle_hashes", "sketches", "candidate_pairs", "copy_groups"]

log = logging.getLogger(__name__)

SHINGLE_WORDS = 5
# 32 bands of 2 bins: a pair becomes a candidate with probability 1 - (1 - J^2)^32 for shingle
# Jaccard J: 0.95 at J = 0.3, which a 0.9-contained copy of a text 2.6x longer still has, 0.27
# at 0.1 and 0.08 at 0.05; different articles on one story (Jaccard 0.004 for the seeds) stay
# out. (The datasketch index this replaces proposed J = 0.3 with probability 0.64.)
SKETCH_BINS = 64
BAND_ROWS = 2
# Below this many shingles (~12 words) a text is a fragment ("Read more at ..."), and being
# contained in a long article says nothing; such pairs must match by Jaccard instead.
MIN_CONTAINMENT_SHINGLES = 8
SKETCH_BATCH = 5000

_WORD = re.compile(r"\w+", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_BIN_BITS = 6  # log2(SKETCH_BINS)
_EMPTY = np.uint64(2**64 - 1)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.translate(_APOSTROPHES).casefold())


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[str]:
    """Word ``size``-grams of the case-, punctuation- and whitespace-normalised text."""
    words = _words(text)
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def containment(a: frozenset[str] | np.ndarray, b: frozenset[str] | np.ndarray) -> float:
    """Share of the smaller shingle set found in the larger one (0.0 when either is empty).

    Sets are frozensets of shingles or sorted arrays of distinct shingle hashes. For fragments
    (fewer than MIN_CONTAINMENT_SHINGLES shingles) this is the Jaccard index.
    """
    if not len(a) or not len(b):
        return 0.0
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        common = len(a & b)
    else:
        common = int(np.intersect1d(a, b, assume_unique=True).size)
    small = min(len(a), len(b))
    if small < MIN_CONTAINMENT_SHINGLES:
        return common / (len(a) + len(b) - common)
    return common / small


def _mix(x: np.ndarray) -> np.ndarray:
    """A bijective 64-bit mixer (the splitmix64 finaliser): nearby inputs, unrelated outputs."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _word_codes(words: Sequence[str]) -> np.ndarray:
    """A stable 64-bit code per word (the same in every run and process)."""
    known: dict[str, int] = {}
    for w in words:
        if w not in known:
            known[w] = int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")
    return np.fromiter((known[w] for w in words), dtype=np.uint64, count=len(words))


def shingle_hashes(codes: np.ndarray, size: int = SHINGLE_WORDS) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the ``size``-grams of a sequence of word codes.

    Like :func:`shingles`, a text shorter than ``size`` words is one shingle.
    """
    codes = np.asarray(codes, dtype=np.uint64)
    if len(codes) == 0:
        return codes
    width = min(size, len(codes))
    count = len(codes) - width + 1
    acc = np.zeros(count, dtype=np.uint64)
    for k in range(width):
        acc = _mix(acc ^ codes[k : k + count])
    return np.unique(acc)


def _window_hashes(codes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, hash) of every shingle of many sequences given flat, as in :func:`shingle_hashes`."""
    lengths = np.diff(offsets)
    owner = np.repeat(np.arange(len(lengths)), lengths)
    last = offsets[1:][owner] if len(owner) else owner  # end of each position's own sequence
    starts = np.flatnonzero(np.arange(len(codes)) + SHINGLE_WORDS <= last)
    acc = np.zeros(len(starts), dtype=np.uint64)
    for k in range(SHINGLE_WORDS):
        acc = _mix(acc ^ codes[starts + k])
    rows, hashes = [owner[starts]], [acc]
    for r in np.flatnonzero((lengths > 0) & (lengths < SHINGLE_WORDS)).tolist():
        rows.append(np.asarray([r]))  # a text shorter than a shingle is one shingle
        hashes.append(shingle_hashes(codes[offsets[r] : offsets[r + 1]]))
    return np.concatenate(rows), np.concatenate(hashes)


def sketches(codes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One-permutation MinHash of the shingles of each sequence: (n, SKETCH_BINS) uint64.

    ``codes`` holds the word codes of all n sequences end to end, sequence r being
    ``codes[offsets[r]:offsets[r + 1]]``. The top bits of a shingle hash choose its bin, the
    rest is its value; an empty bin borrows the value of the next full bin (circularly), mixed
    with the distance, so short texts still fill every band. A row of an empty sequence is all
    ``_EMPTY`` and matches nothing. Sequences are taken ``SKETCH_BATCH`` at a time (memory).
    """
    codes = np.asarray(codes, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    out = np.full(n * SKETCH_BINS, _EMPTY, dtype=np.uint64)
    for first in range(0, n, SKETCH_BATCH):
        last = min(n, first + SKETCH_BATCH)
        rows, hashes = _window_hashes(codes[offsets[first] : offsets[last]], offsets[first : last + 1] - offsets[first])
        slot = (rows + first).astype(np.uint64) * np.uint64(SKETCH_BINS) + (hashes >> np.uint64(64 - _BIN_BITS))
        np.minimum.at(out, slot.astype(np.int64), hashes & np.uint64(2 ** (64 - _BIN_BITS) - 1))
    out = out.reshape(n, SKETCH_BINS)
    full = out != _EMPTY
    columns = np.arange(2 * SKETCH_BINS)
    ahead = np.where(np.hstack([full, full]), columns, 2 * SKETCH_BINS)
    nearest = np.minimum.accumulate(ahead[:, ::-1], axis=1)[:, ::-1][:, :SKETCH_BINS]
    has_any = full.any(axis=1)
    nearest = np.where(has_any[:, None], nearest, 0)
    borrowed = np.take_along_axis(np.hstack([out, out]), nearest, axis=1)
    distance = (nearest - columns[:SKETCH_BINS]).astype(np.uint64)
    filled = np.where(full, out, _mix(borrowed ^ distance))
    return np.where(has_any[:, None], filled, _EMPTY)


def candidate_pairs(sketch: np.ndarray) -> np.ndarray:
    """Distinct row pairs (i < j) that agree on every bin of at least one band, as (m, 2)."""
    found: list[np.ndarray] = []
    live = np.flatnonzero(sketch[:, 0] != _EMPTY)
    for start in range(0, SKETCH_BINS - BAND_ROWS + 1, BAND_ROWS):
        key = np.zeros(len(live), dtype=np.uint64)
        for col in range(start, start + BAND_ROWS):
            key = _mix(key ^ sketch[live, col])
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        gap = 1
        while True:
            same = ordered[gap:] == ordered[:-gap] if gap < len(ordered) else np.zeros(0, dtype=bool)
            if not same.any():
                break
            at = np.flatnonzero(same)
            found.append(np.column_stack([live[order[at]], live[order[at + gap]]]))
            gap += 1
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.vstack(found), axis=1)
    return np.unique(pairs, axis=0)


def copy_groups(n: int, pairs: np.ndarray, same: Callable[[int, int], bool]) -> list[list[int]]:
    """Groups (two or more of rows 0..n-1, ascending) linked by the pairs that ``same`` confirms."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.tolist():
        if same(i, j):
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(len(parent)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _time_key(published: datetime | None) -> tuple[int, float]:
    if published is None:
        return (1, 0.0)
    if published.tzinfo is None:
        # Naive times are taken as UTC so they can be ordered against aware ones.
        published = published.replace(tzinfo=timezone.utc)
    return (0, published.timestamp())


def _original_key(article: Article, position: int) -> tuple[int, tuple[int, float], int]:
    is_wire = (article.outlet.kind or "").casefold() == "wire"
    return (0 if is_wire else 1, _time_key(article.published), position)


def find_copies(articles: Sequence[Article], *, threshold: float = 0.8) -> dict[str, str]:
    """Map each near-duplicate article id to the id of the article it copies.

    Articles whose shingle containment is at least ``threshold`` are linked, and linked
    articles form one group. The original of a group is its wire article, else its earliest
    published one, else its first in input order; every other member maps to it directly.

    Threshold, measured on pairs built from the two seed articles (543 and 708 words): a copy
    with an added paragraph and a credit line scored containment 1.000 (Jaccard 0.96-0.97); a
    new headline with 3 / 6 / 10 / 20 words edited 0.97 / 0.95 / 0.91-0.93 / 0.84-0.87; one
    edited word in every sentence 0.78-0.80 (a rewrite: borderline on purpose); the first half
    of an article 1.000. The two seeds, different articles on one story (same event, people and
    WSJ source), scored 0.009. 0.8 keeps copies with light edits (up to ~3% of words changed) and
    keeps independent reporting out by a wide margin.
    """
    unique: list[Article] = []
    seen: set[str] = set()
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    word_lists = [_words(a.text) for a in unique]
    sets = [shingles(a.text) for a in unique]
    offsets = np.cumsum([0] + [len(words) for words in word_lists])
    sketch = sketches(_word_codes([w for words in word_lists for w in words]), offsets)

    def same(i: int, j: int) -> bool:
        score = containment(sets[i], sets[j])
        if score >= threshold:
            log.debug("near-duplicate %s ~ %s (containment %.3f)", unique[i].id, unique[j].id, score)
        return score >= threshold

    copies: dict[str, str] = {}
    for members in copy_groups(len(unique), candidate_pairs(sketch), same):
        original = min(members, key=lambda i: _original_key(unique[i], i))
        for i in members:
            if i != original:
                copies[unique[i].id] = unique[original].id
    return copies
