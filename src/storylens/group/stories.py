"""Group the articles of one run into stories.

Each article becomes one sparse unit vector (its *signature*) made of three TF-IDF parts weighted
over the run: its content words (lowercased, stopwords out, the lede's words counted
``LEDE_WEIGHT`` times), its lede alone (the first ``LEDE_WORDS`` content words and the headline),
and the set of named entities it mentions (``ArticleAnalysis.mentions``; names, not numbers or
dates). The dot product of two signatures is their similarity; it is damped when two
publication times are far apart, and articles are clustered by average linkage at a threshold.
Average linkage merges two clusters only when the *mean* similarity of their articles clears
the threshold, so one article mentioning two stories does not chain them together.

Why the lede counts twice over: the days of a saga share their background paragraphs (who the
people are, what happened before) and differ in what the first sentences report, while three
outlets covering one event open on the same event in different words.

Scale (``cluster_signatures``): a run of up to ``EXHAUSTIVE_MAX`` articles compares every pair.
Larger runs never build the n x n matrix. Candidate pairs are articles that hold at least
``KEY_MATCHES`` of each other's ``KEYS_PER_ARTICLE`` heaviest features (rare words and names
weigh most), found by a sparse product over blocks of articles sorted by publication time, each
block against the window of earlier articles close enough in time to reach the threshold at all
(blocking by time); only candidate pairs are scored. Average linkage then runs inside each connected component of the
candidate pairs that reach the threshold, on all pairs of the component (exact, as in a small
run) up to ``DENSE_COMPONENT_MAX`` articles, and on the candidate pairs alone (the others
counting as 0) beyond that. Measured in bench/grouping_scale.py.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from storylens.model import ArticleAnalysis, Story, text_id

__all__ = [
    "DEFAULT_THRESHOLD",
    "Signatures",
    "cluster_matrix",
    "cluster_signatures",
    "group_stories",
    "horizon_days",
    "signatures",
    "similarity_matrix",
    "tfidf_rows",
]

log = logging.getLogger(__name__)

# Chosen on the 150 BASIL articles (bench/grouping.py; B-cubed F1 over 50 three-outlet stories),
# with the part weights and the lede below: the threshold sits between the weakest story's
# cohesion (0.191) and the strongest pull between two stories (0.163), measured without
# publication times on all 150 articles analyzed together. In-sample; see the README.
DEFAULT_THRESHOLD = 0.175
# Shares of the similarity: all content words, the lede alone, entity names. Chosen on BASIL as
# the best worst case over its two halves (first and last 25 stories) of a small grid (lede
# share 0-0.6, entity share 0.2-0.3, lede 40 or 60 words counted 1 or 3 times).
PART_WEIGHTS = (0.4, 0.4, 0.2)
LEDE_WORDS = 60
LEDE_WEIGHT = 3.0
# Publication-time damping: none within a week (follow-ups, time zones, late reprints), then the
# similarity halves every 30 days. Gentle on purpose: developing stories run for weeks.
TIME_GRACE_DAYS = 7.0
TIME_HALF_LIFE_DAYS = 30.0
# The run's idf is shrunk toward tf as if this many documents sharing no word were added: among
# three articles on one event the words they share are exactly the ones plain idf discounts
# (calibrated with bench/grouping.py on BASIL, run as 150 articles at once and as 50 triplets).
PSEUDO_DOCS = 10
# Runs up to this size compare all pairs (a 2,000 x 2,000 matrix is 32 MB); beyond, candidates.
EXHAUSTIVE_MAX = 2000
# A pair is a candidate when it scores KEY_MATCHES: one for each key feature of either article
# that the other has (a feature that is a key of both counts twice). On BASIL (150 articles, no
# dates) all 165 pairs at or above the threshold were found with 4 keys and 1 match (1,197
# candidates of 11,175 pairs), 6 keys and 2 matches (499) or 8 keys and 3 matches (342); 8 keys
# and 2 matches (709) leaves a margin both ways. The second match keeps one shared mid-frequency
# word from making a candidate: it halved the candidates of large synthetic runs.
KEYS_PER_ARTICLE = 8
KEY_MATCHES = 2
DENSE_COMPONENT_MAX = 2000
# Rows per block of the candidate search, pairs scored at once, rows sorted at once (memory).
BLOCK_ROWS = 4096
PAIR_CHUNK = 50_000
ROW_CHUNK = 50_000
# Labels that name things; dates, numbers and money say little about which story it is.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)
MAX_STORY_ENTITIES = 10
MAX_TITLE_CHARS = 120
MIN_TITLE_WORDS = 4

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
# A sentence ends at . ! ? (plus a closing quote) before a capitalised word: "U.S. officials" does not.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?(?=\s+[A-Z“\"‘'])")

# English function words plus reporting verbs/honorifics that every news article uses.
_STOPWORDS = frozenset(
    """
    a about above across after again against all almost along already also although always am
    among an and another any anyone anything are around as at be became because become been
    before being below between both but by can cannot could did do does doing done down during
    each either else enough even ever every few for from further had has have having he her here
    hers herself him himself his how however i if in into is it its itself just last least less
    like made make many may me might more most much must my myself neither never next no nor not
    now of off often on once one only onto or other others our ours ourselves out over own per
    perhaps rather same several she should since so some still such than that the their theirs
    them themselves then there these they this those though through thus to too toward under
    until up upon us very via was we were what whatever when where whether which while who whom
    whose why will with within without would yet you your yours yourself yourselves
    said says say saying told tell according mr mrs ms dr new also year years day days week weeks
    time times including among get got go going went come came take took wednesday thursday
    friday saturday sunday monday tuesday
    """.split()
)


def _content_words(text: str) -> list[str]:
    words = _WORD.findall(text.translate(_APOSTROPHES).casefold())
    return [w for w in words if len(w) > 2 and w not in _STOPWORDS]


def _entity_key(text: str) -> str:
    key = " ".join(text.translate(_APOSTROPHES).casefold().split())
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"'s$", "", key)


def _entity_features(analysis: ArticleAnalysis) -> set[str]:
    features: set[str] = set()
    for mention in analysis.mentions:
        if mention.label not in ENTITY_LABELS:
            continue
        key = _entity_key(mention.text)
        if not key:
            continue
        features.add(key)
        parts = key.split()
        if mention.label == "PERSON" and len(parts) > 1:
            # Later mentions use the surname alone ("Gallant" after "Yoav Gallant").
            features.add(parts[-1])
    return features


def _word_features(analysis: ArticleAnalysis) -> tuple[Counter[str], Counter[str]]:
    """(all content words with the lede's counted LEDE_WEIGHT times, the lede's words alone)."""
    words = _content_words(analysis.article.text)
    headline = _content_words(analysis.article.title or "")
    lede = Counter(words[:LEDE_WORDS] + headline)
    body: Counter[str] = Counter(words + headline)
    for word in words[:LEDE_WORDS]:
        body[word] += LEDE_WEIGHT - 1.0
    return body, lede


def _count_matrix(docs: Sequence[Mapping[str, float]]) -> sparse.csr_matrix:
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, doc in enumerate(docs):
        for term, count in doc.items():
            rows.append(r)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(count)
    return sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(docs), max(1, len(vocab)))
    )


def document_frequencies(counts: sparse.csr_matrix) -> np.ndarray:
    """Documents containing each column's feature (add them up over chunks of one corpus)."""
    return np.bincount(counts.indices, minlength=counts.shape[1])


def tfidf_rows(counts: sparse.csr_matrix, df: np.ndarray, n_docs: int) -> sparse.csr_matrix:
    """Sublinear tf x smoothed idf of the corpus of ``n_docs``, rows L2-normalised (float32).

    ``df`` is the document frequency of each column over the whole corpus, so a large corpus can
    be weighed chunk by chunk; empty rows stay zero rows.
    """
    m = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    m.data = 1.0 + np.log(m.data)
    idf = np.log((1.0 + n_docs + PSEUDO_DOCS) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
    m.data *= idf[m.indices]
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    m.data /= np.repeat(norms, np.diff(m.indptr))
    return sparse.csr_matrix(m, dtype=np.float32)


def blend(parts: Sequence[sparse.csr_matrix]) -> sparse.csr_matrix:
    """One row per article whose dot products are the PART_WEIGHTS mix of the parts' cosines."""
    scaled = [part * np.float32(math.sqrt(w)) for part, w in zip(parts, PART_WEIGHTS, strict=True)]
    return sparse.csr_matrix(sparse.hstack(scaled, format="csr"), dtype=np.float32)


def _timestamp(published: datetime | None) -> float:
    if published is None:
        return math.nan
    if published.tzinfo is None:
        # Naive times are taken as UTC; the damping is measured in days, so hours do not matter.
        published = published.replace(tzinfo=timezone.utc)
    return published.timestamp()


@dataclass(frozen=True, slots=True, eq=False)
class Signatures:
    """What grouping needs of n articles: blended unit vectors and publication times."""

    vectors: sparse.csr_matrix  # n x features, float32; a dot product is a similarity
    stamps: np.ndarray  # POSIX seconds, NaN when the publication time is unknown

    def __len__(self) -> int:
        return self.vectors.shape[0]


def signatures(analyses: Sequence[ArticleAnalysis], *, use_time: bool = True) -> Signatures:
    """The signatures of one run's articles (idf over the run)."""
    words, ledes = zip(*(_word_features(a) for a in analyses)) if analyses else ((), ())
    entities = [dict.fromkeys(_entity_features(a), 1.0) for a in analyses]
    parts = []
    for docs in (words, ledes, entities):
        counts = _count_matrix(docs)
        parts.append(tfidf_rows(counts, document_frequencies(counts), len(analyses)))
    stamps = [_timestamp(a.article.published) if use_time else math.nan for a in analyses]
    return Signatures(blend(parts), np.asarray(stamps, dtype=np.float64))


def _time_factor(days: np.ndarray) -> np.ndarray:
    excess = np.clip(days - TIME_GRACE_DAYS, 0.0, None)
    factor = np.power(0.5, excess / TIME_HALF_LIFE_DAYS)
    return np.where(np.isnan(factor), 1.0, factor)


def horizon_days(threshold: float) -> float:
    """Days apart beyond which even identical texts stay under ``threshold`` (82.4 at 0.175)."""
    if threshold <= 0.0:
        return math.inf
    return TIME_GRACE_DAYS + TIME_HALF_LIFE_DAYS * max(0.0, math.log2(1.0 / threshold))


def dense_similarity(sig: Signatures, rows: Sequence[int] | None = None) -> np.ndarray:
    """Pairwise similarity in [0, 1] of all (or the given) articles, diagonal 1, symmetric."""
    index = np.arange(len(sig)) if rows is None else np.asarray(rows, dtype=np.int64)
    x = sig.vectors[index]
    # only the columns these rows use: transposing costs the number of columns
    used, local = np.unique(x.indices, return_inverse=True)
    x = sparse.csr_matrix((x.data, local.reshape(-1), x.indptr), shape=(len(index), max(1, len(used))))
    sim = np.asarray((x @ x.T).toarray(), dtype=np.float64)
    sim = (sim + sim.T) / 2.0  # float32 sums in two orders must not break ties between articles
    stamps = sig.stamps[index]
    sim *= _time_factor(np.abs(stamps[:, None] - stamps[None, :]) / 86400.0)
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, 0.0, 1.0)


def similarity_matrix(analyses: Sequence[ArticleAnalysis], *, use_time: bool = True) -> np.ndarray:
    """Pairwise story similarity of a run's articles in [0, 1] (diagonal 1)."""
    if not analyses:
        return np.zeros((0, 0))
    return dense_similarity(signatures(analyses, use_time=use_time))


def _linkage_clusters(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters of one dense similarity matrix, stopped at ``threshold``."""
    n = sim.shape[0]
    if n <= 2:
        return [[0, 1]] if n == 2 and sim[0, 1] >= threshold else [[k] for k in range(n)]
    if sim.min() >= threshold:
        return [list(range(n))]  # every pair clears it, so every average does
    distance = 1.0 - sim
    np.fill_diagonal(distance, 0.0)
    # Average linkage has no inversions, so the merges at or under a height form the clusters
    # that stopping the agglomeration there would leave (scipy's NN-chain: O(n^2)).
    tree = linkage(squareform(distance, checks=False), method="average")
    parent = list(range(2 * n - 1))
    for k, (a, b, height, _) in enumerate(tree.tolist()):
        if height <= 1.0 - threshold:
            parent[int(a)] = parent[int(b)] = n + k
    labels = []
    for leaf in range(n):
        root = leaf
        while parent[root] != root:
            root = parent[root]
        labels.append(root)
    return _groups(np.asarray(labels))


def _groups(labels: np.ndarray) -> list[list[int]]:
    out: dict[int, list[int]] = {}
    for k, label in enumerate(labels.tolist()):
        out.setdefault(label, []).append(k)
    return list(out.values())


def _component_labels(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    graph = sparse.coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _split(labels: np.ndarray) -> list[np.ndarray]:
    """Index arrays of equal labels, in order of label."""
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return np.split(order, cuts)


def _components(n: int, i: np.ndarray, j: np.ndarray) -> list[np.ndarray]:
    return _split(_component_labels(n, i, j))


def cluster_matrix(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters of a similarity matrix, as sorted row lists ordered by first row.

    Linkage runs inside each connected component of the pairs at or above ``threshold``: an
    average-linkage cluster never spans two of them.
    """
    i, j = np.nonzero(np.triu(sim >= threshold, k=1))
    clusters: list[list[int]] = []
    for component in _components(sim.shape[0], i, j):
        sub = sim[np.ix_(component, component)]
        clusters.extend(sorted(int(component[k]) for k in c) for c in _linkage_clusters(sub, threshold))
    return sorted(clusters, key=lambda c: c[0])


def _key_features(m: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """The ``k`` heaviest features of each row (as 1s) among those another row has too.

    A feature of one article alone (a typo, a rare name) weighs most and can pair it with
    nothing, so it is passed over. Ties go to the lower column. Rows are taken in chunks, so
    the sort never holds more than ``ROW_CHUNK`` rows.
    """
    shared_col = np.bincount(m.indices, minlength=m.shape[1]) > 1
    rows_out: list[np.ndarray] = []
    cols_out: list[np.ndarray] = []
    for start in range(0, m.shape[0], ROW_CHUNK):
        part = m[start : start + ROW_CHUNK]
        rows = np.repeat(np.arange(part.shape[0]), np.diff(part.indptr))
        shared = shared_col[part.indices]
        # one sort key: by row, shared features first, heaviest first (weights are in [0, 1]);
        # the stable sort keeps CSR's ascending columns among equal weights
        order = np.argsort(rows * 4.0 + np.where(shared, 0.0, 2.0) + (1.0 - part.data), kind="stable")
        rank = np.arange(len(order)) - part.indptr[rows[order]]
        keep = order[(rank < k) & shared[order]]
        rows_out.append(rows[keep] + start)
        cols_out.append(part.indices[keep])
    rows_all = np.concatenate(rows_out) if rows_out else np.zeros(0, dtype=np.int64)
    cols_all = np.concatenate(cols_out) if cols_out else np.zeros(0, dtype=np.int32)
    return sparse.csr_matrix((np.ones(len(rows_all), dtype=np.float32), (rows_all, cols_all)), shape=m.shape)


def _restrict_columns(m: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """``m`` as 1s on ``columns`` only (renumbered 0..len-1), built chunk by chunk."""
    new_index = np.full(m.shape[1], -1, dtype=np.int64)
    new_index[columns] = np.arange(len(columns))
    parts = []
    for start in range(0, m.shape[0], ROW_CHUNK):
        part = m[start : start + ROW_CHUNK]
        rows = np.repeat(np.arange(part.shape[0]), np.diff(part.indptr))
        cols = new_index[part.indices]
        keep = cols >= 0
        parts.append(
            sparse.csr_matrix(
                (np.ones(int(keep.sum()), dtype=np.float32), (rows[keep], cols[keep])),
                shape=(part.shape[0], len(columns)),
            )
        )
    if not parts:
        return sparse.csr_matrix((0, len(columns)), dtype=np.float32)
    return sparse.csr_matrix(sparse.vstack(parts, format="csr"))


def _pair_dots(vectors: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    out = np.empty(len(i), dtype=np.float32)
    for start in range(0, len(i), PAIR_CHUNK):
        stop = start + PAIR_CHUNK
        prod = vectors[i[start:stop]].multiply(vectors[j[start:stop]])
        out[start:stop] = np.asarray(prod.sum(axis=1)).ravel()
    return out


def candidate_edges(sig: Signatures, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j) with their similarity: key features of one occur in the other
    (``KEY_MATCHES``), and they are close enough in time.

    Articles are taken in publication order (undated ones last, compared with everything);
    each block of ``BLOCK_ROWS`` is multiplied with the window of earlier articles published
    within the horizon of ``threshold``, so the cost follows the pairs that can matter, not n^2.
    Only the key features' columns take part in the products.
    """
    n = len(sig)
    stamps = sig.stamps
    order = np.argsort(np.where(np.isnan(stamps), np.inf, stamps), kind="stable")
    sorted_stamps = stamps[order]
    dated = int(np.count_nonzero(~np.isnan(sorted_stamps)))
    horizon = horizon_days(threshold) * 86400.0
    keys = _key_features(sig.vectors, KEYS_PER_ARTICLE)
    key_columns = np.unique(keys.indices)
    keys = _restrict_columns(keys, key_columns)[order]
    present = _restrict_columns(sig.vectors, key_columns)[order]
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    start = 0
    while start < n:
        stop = min(n, start + BLOCK_ROWS)
        if start < dated:
            stop = min(stop, dated)  # dated and undated rows never share a block
            lo = int(np.searchsorted(sorted_stamps[:dated], sorted_stamps[start] - horizon, side="left"))
        else:
            lo = 0
        shared = sparse.coo_matrix(
            keys[start:stop] @ present[lo:stop].T + present[start:stop] @ keys[lo:stop].T
        )
        rows = shared.row.astype(np.int64) + start
        cols = shared.col.astype(np.int64) + lo
        keep = (cols < rows) & (shared.data >= KEY_MATCHES)
        if start < dated:
            keep &= np.abs(sorted_stamps[rows] - sorted_stamps[cols]) <= horizon
        found_i.append(cols[keep])
        found_j.append(rows[keep])
        start = stop
    pos_i = np.concatenate(found_i) if found_i else np.zeros(0, dtype=np.int64)
    pos_j = np.concatenate(found_j) if found_j else np.zeros(0, dtype=np.int64)
    a, b = order[pos_i], order[pos_j]
    i, j = np.minimum(a, b), np.maximum(a, b)
    sims = _pair_dots(sig.vectors, i, j).astype(np.float64)
    sims *= _time_factor(np.abs(stamps[i] - stamps[j]) / 86400.0)
    return i, j, sims


def _sparse_average_linkage(
    n: int, i: np.ndarray, j: np.ndarray, s: np.ndarray, threshold: float
) -> list[list[int]]:
    """Average linkage over the given pairs only (absent pairs count as similarity 0).

    Each cluster keeps the summed similarity to its neighbours; the pair with the highest mean
    (sum / product of sizes) merges next, from a heap with stale entries skipped.
    """
    sums: list[dict[int, float] | None] = [{} for _ in range(n)]
    for a, b, v in zip(i.tolist(), j.tolist(), s.tolist()):
        sums[a][b] = sums[a].get(b, 0.0) + v  # type: ignore[index]
        sums[b][a] = sums[b].get(a, 0.0) + v  # type: ignore[index]
    size = [1] * n
    members: dict[int, list[int]] = {k: [k] for k in range(n)}
    version = [0] * n
    heap = [(-v, a, b, 0, 0) for a, b, v in zip(i.tolist(), j.tolist(), s.tolist()) if v >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if version[a] != va or version[b] != vb:
            continue
        if size[a] < size[b]:
            a, b = b, a
        into, gone = sums[a], sums[b]
        assert into is not None and gone is not None
        del into[b]
        for x, v in gone.items():
            if x == a:
                continue
            into[x] = into.get(x, 0.0) + v
            other = sums[x]
            assert other is not None
            other[a] = other.get(a, 0.0) + v
            del other[b]
        sums[b] = None
        size[a] += size[b]
        members[a].extend(members.pop(b))
        version[a] += 1
        version[b] = -1
        for x, v in into.items():
            mean = v / (size[a] * size[x])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(a, x), max(a, x), version[min(a, x)], version[max(a, x)]))
    return list(members.values())


def cluster_signatures(
    sig: Signatures, threshold: float, *, exhaustive_max: int = EXHAUSTIVE_MAX
) -> list[list[int]]:
    """Average-linkage story clusters (sorted row lists, ordered by first row) of signatures."""
    n = len(sig)
    if n <= exhaustive_max:
        return cluster_matrix(dense_similarity(sig), threshold)
    i, j, s = candidate_edges(sig, threshold)
    strong = s >= threshold
    labels = _component_labels(n, i[strong], j[strong])
    inner = labels[i] == labels[j]
    edges_of = dict(zip(*_edge_groups(labels[i[inner]]))) if inner.any() else {}
    i, j, s = i[inner], j[inner], s[inner]
    clusters: list[list[int]] = []
    for component in _split(labels):
        m = len(component)
        edges = edges_of.get(int(labels[component[0]]), np.zeros(0, dtype=np.int64))
        if m <= 2:
            found = [list(range(m))]  # two articles are a component by a strong pair
        elif len(edges) == m * (m - 1) // 2 or m > DENSE_COMPONENT_MAX:
            # every pair is a candidate, so its similarity is known (or the component is too big
            # for all pairs: the others count as 0)
            # components list their articles in ascending order
            a, b, v = np.searchsorted(component, i[edges]), np.searchsorted(component, j[edges]), s[edges]
            if m > DENSE_COMPONENT_MAX:
                log.info("story grouping: %d articles in one component, linked on candidate pairs", m)
                found = _sparse_average_linkage(m, a, b, v, threshold)
            else:
                sub = np.eye(m)
                sub[a, b] = sub[b, a] = v
                found = _linkage_clusters(sub, threshold)
        else:
            found = _linkage_clusters(dense_similarity(sig, component), threshold)
        clusters.extend(sorted(int(component[k]) for k in c) for c in found)
    log.debug("%d candidate pairs for %d articles", len(i), n)
    return sorted(clusters, key=lambda c: c[0])


def _edge_groups(labels: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
    """(label, positions of the edges with that label) for each label present."""
    groups = _split(labels)
    return [int(labels[g[0]]) for g in groups], groups


def _first_sentence(analysis: ArticleAnalysis) -> str:
    text = analysis.article.text
    chunks = [span.of(text) for span in analysis.sentences] or [text]
    # Scraped bodies open with section labels and "Published on" lines; a title needs words.
    lines = [" ".join(line.split()) for chunk in chunks for line in chunk.splitlines()]
    lines = [line for line in lines if line]
    sentence = next((line for line in lines if len(line.split()) >= MIN_TITLE_WORDS), lines[0] if lines else "")
    match = _SENTENCE_END.search(sentence)
    if match:
        sentence = sentence[: match.end()]
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    cut = sentence[:MAX_TITLE_CHARS]
    # Cut on a word boundary when there is one, so the title stays a prefix of real text.
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def _top_entities(analyses: Iterable[ArticleAnalysis]) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for analysis in analyses:
        for mention in analysis.mentions:
            if mention.label not in ENTITY_LABELS:
                continue
            text = " ".join(mention.text.split())
            key = _entity_key(text)
            if not key:
                continue
            counts[key] += 1
            shown.setdefault(key, text)
    # Counter.most_common keeps first-seen order among equal counts: deterministic.
    return tuple(shown[k] for k, _ in counts.most_common(MAX_STORY_ENTITIES))


def _period(analyses: Sequence[ArticleAnalysis]) -> tuple[datetime | None, datetime | None]:
    known = [a.article.published for a in analyses if a.article.published is not None]
    if not known:
        return (None, None)
    ordered = sorted(known, key=_timestamp)
    return (ordered[0], ordered[-1])




def group_stories(
    analyses: Sequence[ArticleAnalysis],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    copies: Mapping[str, str] | None = None,
) -> tuple[Story, ...]:
    """Cluster the articles of one run into stories, in input order of their first article.

    ``threshold`` is the minimum average similarity (see :func:`similarity_matrix`) between
    the articles of two clusters for them to merge. Measured with bench/grouping.py on the 150
    BASIL articles (50 stories, 3 outlets each), B-cubed F1 at 0.16 / 0.175 / 0.19: 0.990 /
    1.000 / 1.000 without publication times, 1.000 at all three with them (in-sample). The
    two seed articles (one story) score 0.42.
    ``copies`` (article id -> original id, from ``group.dedupe.find_copies``) is stored on the
    story of each copy.
    """
    if not analyses:
        return ()
    sig = signatures(analyses)
    stories: list[Story] = []
    for cluster in cluster_signatures(sig, threshold):
        members = [analyses[i] for i in cluster]
        ids = tuple(a.article.id for a in members)
        central = members[_most_central(sig, cluster)]
        title = (central.article.title or "").strip() or _first_sentence(central)
        id_set = set(ids)
        story_copies = {k: v for k, v in (copies or {}).items() if k in id_set}
        stories.append(
            Story(
                id=text_id(" ".join(sorted(ids))),
                article_ids=ids,
                title=title,
                period=_period(members),
                entities=_top_entities(members),
                copies=story_copies,
            )
        )
    log.debug("grouped %d articles into %d stories", len(analyses), len(stories))
    return tuple(stories)


def _most_central(sig: Signatures, cluster: list[int]) -> int:
    """Position in ``cluster`` of the article with the largest summed similarity to the rest."""
    if len(cluster) <= DENSE_COMPONENT_MAX:
        totals = dense_similarity(sig, cluster).sum(axis=1)
    else:
        x = sig.vectors[cluster]
        totals = np.asarray(x @ np.asarray(x.sum(axis=0)).ravel()).ravel()
    return int(np.argmax(totals))  # argmax keeps input order on ties
