"""Speed and memory of dedupe + story grouping alone on synthetic corpora of article signatures.

A signature is what those two stages read of an article: its word sequence (for the shingles of
dedupe), its content words and the names it mentions (for the story vectors), and its
publication time. Text, parsing and embedding are left out. The corpus is drawn to match the
statistics of the 150 BASIL articles (measured with the pipeline's own tokenisation): content
words per article log-normal (log mean 5.61, sd 0.45: about 300), all words about twice that
(49 % content words), 28 distinct entity names (log mean 3.27, sd 0.41), background words and
names Zipf-distributed over large vocabularies. Each story (1 + Poisson(2) articles, and 1 % of
stories with 20-200) has its own pool of specific words and names, and belongs to a saga of
stories that share a second pool: the near misses of real news. 4 % of articles are copies of
their story's first article with 3 % of their words changed. ``calibrate`` prints the within-
and across-story similarity of a small corpus next to BASIL's (median 0.33 / 0.03).

    python -m bench.grouping_scale --sizes 10000 100000 1000000
    python -m bench.grouping_scale --calibrate

Each size runs in a fresh process (its peak RSS is that size's own, generation included); times
are seconds of each stage, wall-clock and CPU (the machine is shared, so wall-clock varies with
the load), generation of the corpus excluded. Not part of ``bench.run``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
from scipy import sparse

from storylens.group import stories
from storylens.group.dedupe import candidate_pairs, containment, copy_groups, shingle_hashes, sketches

WORD_VOCAB = 200_000
ENTITY_VOCAB = 500_000
FUNCTION_WORDS = 300
ZIPF = 1.0
CONTENT_LOG = (5.61, 0.45)
ENTITY_LOG = (3.27, 0.41)
FUNCTION_PER_CONTENT = 0.51 / 0.49
STORY_POOL, SAGA_POOL, SECTION_POOL = 40, 60, 1000
STORY_NAMES, SAGA_NAMES, SECTION_NAMES = 8, 8, 500
SECTIONS = 4
# shares of tokens drawn from the story's and the saga's pools (the lede draws more from the
# story); set with ``--calibrate`` against BASIL's similarity distribution
P_STORY, P_STORY_LEDE, P_SAGA, P_SECTION = 0.35, 0.55, 0.12, 0.25
Q_STORY, Q_SAGA, Q_SECTION = 0.55, 0.2, 0.25
COPY_SHARE, COPY_EDIT = 0.04, 0.03
ARTICLES_PER_DAY = 3000.0
CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Corpus:
    """The corpus plan: who belongs to which story, when, and which articles are copies."""

    seed: int
    story: np.ndarray  # story of each article (articles of a story are consecutive)
    saga: np.ndarray  # saga of each story
    stamps: np.ndarray  # publication time, seconds
    copy_of: np.ndarray  # index of the copied article, or -1
    bounds: list[int]  # chunk boundaries, always between two stories

    def __len__(self) -> int:
        return len(self.story)


def plan(n: int, seed: int = 0) -> Corpus:
    rng = np.random.default_rng([seed, 0])
    sizes: list[int] = []
    total = 0
    while total < n:
        big = rng.random() < 0.01
        sizes.append(int(rng.integers(20, 201)) if big else 1 + int(rng.poisson(2.0)))
        total += sizes[-1]
    sizes[-1] -= total - n
    sizes = [s for s in sizes if s > 0]
    story = np.repeat(np.arange(len(sizes)), sizes)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # sagas: runs of 1 + Poisson(1) consecutive stories, started within a month of each other
    saga_sizes: list[int] = []
    total = 0
    while total < len(sizes):
        saga_sizes.append(1 + int(rng.poisson(1.0)))
        total += saga_sizes[-1]
    saga = np.repeat(np.arange(len(saga_sizes)), saga_sizes)[: len(sizes)]
    span = n / ARTICLES_PER_DAY * 86400.0
    saga_start = rng.uniform(0, span, size=len(saga_sizes))
    story_start = saga_start[saga] + rng.uniform(0, 30 * 86400.0, size=len(sizes))
    stamps = story_start[story] + np.minimum(rng.exponential(0.7 * 86400.0, size=n), 5 * 86400.0)
    is_copy = (rng.random(n) < COPY_SHARE) & (np.arange(n) != first[story])
    copy_of = np.where(is_copy, first[story], -1)
    bounds = [0]
    for start in first.tolist():
        if start - bounds[-1] >= CHUNK:
            bounds.append(start)
    bounds.append(n)
    return Corpus(seed, story, saga, stamps, copy_of, bounds)


def _zipf_sampler(vocab: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, vocab + 1) ** ZIPF
    return np.cumsum(weights) / weights.sum()


_WORD_CDF = _zipf_sampler(WORD_VOCAB)
_NAME_CDF = _zipf_sampler(ENTITY_VOCAB)
_FUNCTION_CDF = _zipf_sampler(FUNCTION_WORDS)


def _pool(owner: np.ndarray, slot: np.ndarray, salt: int, low: int, high: int) -> np.ndarray:
    """Deterministic pool member ``slot`` of ``owner``: a word in [low, high)."""
    mixed = (owner.astype(np.uint64) * np.uint64(1_000_003) + slot.astype(np.uint64)) ^ np.uint64(salt)
    with np.errstate(over="ignore"):
        mixed = (mixed * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(11)
    return (mixed % np.uint64(high - low)).astype(np.int64) + low


@dataclass(frozen=True, slots=True)
class Chunk:
    """Signatures of consecutive articles: flat token arrays with per-article offsets."""

    first: int
    content: np.ndarray
    content_at: np.ndarray  # offsets (len = articles + 1)
    names: np.ndarray
    names_at: np.ndarray
    sequence: np.ndarray  # all words, content and function (function ids above the vocab)
    sequence_at: np.ndarray


def _draw(rng: np.random.Generator, story: np.ndarray, saga: np.ndarray, cdf: np.ndarray,
          p_story: np.ndarray, p_saga: float, p_section: float, pools: tuple[int, int, int], salt: int) -> np.ndarray:
    """Tokens of the given owners: from the story's, saga's or section's pool, else background."""
    u = rng.random(len(story))
    out = np.searchsorted(cdf, rng.random(len(story)))
    low = len(cdf) // 100  # pool words are specific: not among the commonest 1 %
    edges = np.cumsum(np.vstack([p_story, np.full(len(story), p_saga), np.full(len(story), p_section)]), axis=0)
    for k, owner in enumerate((story, saga, saga % SECTIONS)):
        pick = (u < edges[k]) & (u >= (edges[k - 1] if k else 0.0))
        slots = rng.integers(0, pools[k], int(pick.sum()))
        out[pick] = _pool(owner[pick] + k * 10_000_000, slots, salt, low, len(cdf))
    return out


def generate(corpus: Corpus, k: int) -> Chunk:
    """Chunk ``k`` of the corpus (the same every time)."""
    lo, hi = corpus.bounds[k], corpus.bounds[k + 1]
    rng = np.random.default_rng([corpus.seed, 1, k])
    m = hi - lo
    story = corpus.story[lo:hi]
    saga = corpus.saga[story]
    copies = np.flatnonzero(corpus.copy_of[lo:hi] >= 0)
    sources = corpus.copy_of[lo:hi][copies] - lo  # the story's first article: same chunk, no copy
    lengths = np.maximum(20, np.exp(rng.normal(*CONTENT_LOG, size=m))).astype(np.int64)
    lengths[copies] = lengths[sources]
    at = np.concatenate([[0], np.cumsum(lengths)])
    owner = np.repeat(np.arange(m), lengths)
    pos = np.arange(at[-1]) - at[owner]
    p_story = np.where(pos < stories.LEDE_WORDS, P_STORY_LEDE, P_STORY)
    content = _draw(rng, story[owner], saga[owner], _WORD_CDF, p_story, P_SAGA, P_SECTION,
                    (STORY_POOL, SAGA_POOL, SECTION_POOL), 17)
    n_names = np.maximum(1, np.exp(rng.normal(*ENTITY_LOG, size=m))).astype(np.int64)
    n_names[copies] = n_names[sources]
    names_at = np.concatenate([[0], np.cumsum(n_names)])
    name_owner = np.repeat(np.arange(m), n_names)
    names = _draw(rng, story[name_owner], saga[name_owner], _NAME_CDF, np.full(len(name_owner), Q_STORY),
                  Q_SAGA, Q_SECTION, (STORY_NAMES, SAGA_NAMES, SECTION_NAMES), 29)
    gaps = rng.poisson(FUNCTION_PER_CONTENT, size=len(content))
    # copies: the first article's words, names and function words, COPY_EDIT of the words replaced
    for c, src in zip(copies.tolist(), sources.tolist()):
        words = content[at[src] : at[src + 1]].copy()
        edit = rng.random(len(words)) < COPY_EDIT
        words[edit] = np.searchsorted(_WORD_CDF, rng.random(int(edit.sum())))
        content[at[c] : at[c + 1]] = words
        gaps[at[c] : at[c + 1]] = gaps[at[src] : at[src + 1]]
        names[names_at[c] : names_at[c + 1]] = names[names_at[src] : names_at[src + 1]]
    seq_len = np.bincount(owner, weights=1 + gaps, minlength=m).astype(np.int64)
    seq_at = np.concatenate([[0], np.cumsum(seq_len)])
    sequence = np.repeat(content, 1 + gaps)
    filler = np.ones(len(sequence), dtype=bool)
    filler[np.concatenate([[0], np.cumsum(1 + gaps)[:-1]])] = False
    function_ids = WORD_VOCAB + np.searchsorted(_FUNCTION_CDF, np.random.default_rng([corpus.seed, 2, k]).random(len(sequence)))
    sequence[filler] = function_ids[filler]
    for c, src in zip(copies.tolist(), sources.tolist()):  # a copy keeps its original's function words
        layout = ~filler[seq_at[src] : seq_at[src + 1]]
        copied = sequence[seq_at[src] : seq_at[src + 1]].copy()
        copied[layout] = content[at[c] : at[c + 1]]
        sequence[seq_at[c] : seq_at[c + 1]] = copied
    return Chunk(lo, content, at, names, names_at, sequence, seq_at)


def chunks(corpus: Corpus) -> Iterator[Chunk]:
    for k in range(len(corpus.bounds) - 1):
        yield generate(corpus, k)


def count_matrices(chunk: Chunk) -> list[sparse.csr_matrix]:
    """Words (lede counted LEDE_WEIGHT times), lede, names: the pipeline's three parts."""
    m = len(chunk.content_at) - 1
    owner = np.repeat(np.arange(m), np.diff(chunk.content_at))
    pos = np.arange(len(chunk.content)) - chunk.content_at[owner]
    in_lede = pos < stories.LEDE_WORDS
    weight = np.where(in_lede, stories.LEDE_WEIGHT, 1.0)
    words = sparse.csr_matrix((weight, (owner, chunk.content)), shape=(m, WORD_VOCAB))
    lede = sparse.csr_matrix((np.ones(int(in_lede.sum())), (owner[in_lede], chunk.content[in_lede])), shape=(m, WORD_VOCAB))
    name_owner = np.repeat(np.arange(m), np.diff(chunk.names_at))
    names = sparse.csr_matrix((np.ones(len(chunk.names)), (name_owner, chunk.names)), shape=(m, ENTITY_VOCAB))
    names.data[:] = 1.0  # a set of names, as in the pipeline
    for part in (words, lede, names):
        part.sum_duplicates()
    names.data[:] = 1.0
    return [words, lede, names]


class Clock:
    """Wall-clock seconds per stage; the time spent generating the corpus is not counted."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._cpu_since = 0.0

    def start(self) -> float:
        self._cpu_since = time.process_time()
        return time.perf_counter()

    def add(self, stage: str, since: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - since
        self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - self._cpu_since


def run(n: int, seed: int = 0) -> dict[str, float]:
    """Dedupe and group a synthetic corpus of ``n`` signatures; times, memory and quality."""
    clock = Clock()
    t_all = time.perf_counter()
    corpus = plan(n, seed)
    # pass 1: shingles -> sketches (dedupe), document frequencies of the three parts
    sketch_parts: list[np.ndarray] = []
    df = [np.zeros(WORD_VOCAB, dtype=np.int64), np.zeros(WORD_VOCAB, dtype=np.int64), np.zeros(ENTITY_VOCAB, dtype=np.int64)]
    for chunk in chunks(corpus):
        t = clock.start()
        sketch_parts.append(sketches(chunk.sequence.astype(np.uint64), chunk.sequence_at))
        clock.add("dedupe", t)
        t = clock.start()
        for k, counts in enumerate(count_matrices(chunk)):
            df[k] += stories.document_frequencies(counts)
        clock.add("signatures", t)
    t = clock.start()
    sketch = np.vstack(sketch_parts)
    del sketch_parts
    pairs = candidate_pairs(sketch)
    del sketch
    clock.add("dedupe", t)
    needed = set(pairs.ravel().tolist())
    kept: dict[int, np.ndarray] = {}
    for chunk in chunks(corpus):  # regenerating the candidates' shingles is not counted
        t = clock.start()
        for r in range(len(chunk.sequence_at) - 1):
            if chunk.first + r in needed:
                kept[chunk.first + r] = shingle_hashes(chunk.sequence[chunk.sequence_at[r] : chunk.sequence_at[r + 1]])
        clock.add("dedupe", t)
    t = clock.start()
    groups = copy_groups(n, pairs, lambda i, j: containment(kept[i], kept[j]) >= 0.8)
    is_copy = np.zeros(n, dtype=bool)
    for members in groups:
        is_copy[members[1:]] = True  # the first (the story's first article) is the original
    kept.clear()
    clock.add("dedupe", t)
    # pass 2: the story vectors of the originals
    rows: list[sparse.csr_matrix] = []
    for chunk in chunks(corpus):
        t = clock.start()
        m = len(chunk.content_at) - 1
        keep = ~is_copy[chunk.first : chunk.first + m]
        parts = [stories.tfidf_rows(c[keep], d, n) for c, d in zip(count_matrices(chunk), df)]
        rows.append(stories.blend(parts))
        clock.add("signatures", t)
    t = clock.start()
    originals = np.flatnonzero(~is_copy)
    sig = stories.Signatures(sparse.csr_matrix(sparse.vstack(rows, format="csr")), corpus.stamps[originals])
    del rows
    clock.add("signatures", t)
    t = clock.start()
    clusters = stories.cluster_signatures(sig, stories.DEFAULT_THRESHOLD)
    clock.add("grouping", t)
    planted = corpus.copy_of >= 0
    found = {int(i) for i in np.flatnonzero(is_copy)}
    true_copies = {int(i) for i in np.flatnonzero(planted)}
    gold = corpus.story[originals]
    f1 = _bcubed_f1([[int(gold[i]) for i in c] for c in clusters])
    return {
        "articles": n,
        **{f"{k}_s": round(v, 1) for k, v in clock.seconds.items()},
        "measured_s": round(sum(clock.seconds.values()), 1),
        **{f"{k}_cpu_s": round(v, 1) for k, v in clock.cpu.items()},
        "measured_cpu_s": round(sum(clock.cpu.values()), 1),
        "wall_s_with_generation": round(time.perf_counter() - t_all, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
        "copies_planted": len(true_copies),
        "copies_found": len(found & true_copies),
        "copies_wrong": len(found - true_copies),
        "stories_gold": int(len(np.unique(gold))),
        "stories_found": len(clusters),
        "bcubed_f1": round(f1, 4),
        "nnz_per_article": round(sig.vectors.nnz / max(1, len(sig)), 1),
    }


def _bcubed_f1(clusters: Sequence[Sequence[int]]) -> float:
    """B-cubed F1 of clusters whose members are given by their gold label."""
    gold_size: dict[int, int] = {}
    for c in clusters:
        for g in c:
            gold_size[g] = gold_size.get(g, 0) + 1
    precision = recall = 0.0
    total = 0
    for c in clusters:
        counts: dict[int, int] = {}
        for g in c:
            counts[g] = counts.get(g, 0) + 1
        for g, k in counts.items():
            precision += k * k / len(c)
            recall += k * k / gold_size[g]
        total += len(c)
    precision, recall = precision / total, recall / total
    return 2 * precision * recall / (precision + recall)


def calibrate(n: int = 3000, seed: int = 0) -> None:
    """Within- and across-story similarity of a small synthetic corpus (compare with BASIL)."""
    corpus = plan(n, seed)
    counts = [sparse.vstack(p, format="csr") for p in zip(*(count_matrices(c) for c in chunks(corpus)))]
    parts = [stories.tfidf_rows(c, stories.document_frequencies(c), n) for c in counts]
    sig = stories.Signatures(stories.blend(parts), np.full(n, math.nan))
    rng = np.random.default_rng(1)
    i, j = rng.integers(0, n, 200_000), rng.integers(0, n, 200_000)
    story = corpus.story
    same_i, same_j = np.nonzero((story[:, None] == story[None, :]) & np.triu(np.ones((n, n), dtype=bool), 1))
    sims_same = stories._pair_dots(sig.vectors, same_i, same_j)
    keep = story[i] != story[j]
    sims_other = stories._pair_dots(sig.vectors, i[keep], j[keep])
    print("within story: q10/50/90", np.percentile(sims_same, [10, 50, 90]).round(3))
    print("across stories: q50/99/99.9", np.percentile(sims_other, [50, 99, 99.9]).round(3))
    print("BASIL (150 articles): within 0.221/0.326/0.459, across 0.028/0.111/0.182")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help="run one size in this process and print JSON")
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate()
        return
    if args.one:
        print(json.dumps(run(args.one)))
        return
    for n in args.sizes:
        out = subprocess.run([sys.executable, "-m", "bench.grouping_scale", "--one", str(n)],
                             capture_output=True, text=True, check=True)
        print(out.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
