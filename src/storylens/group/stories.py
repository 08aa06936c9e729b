"""Group the articles of one run into stories.

Each article becomes two TF-IDF vectors, weighted over the run: its content words (lowercased,
stopwords out) and its named-entity mentions (``ArticleAnalysis.mentions``; names, not numbers
or dates). Their cosines are blended, damped gently when two publication times are far apart,
and articles are clustered by average linkage at a threshold. Average linkage only merges
clusters whose *mean* pairwise similarity clears the threshold, so one article mentioning two
stories does not chain them together the way connected components would.

Cost: the similarity matrix is dense (n x n), and average linkage runs inside each connected
component of the thresholded graph (an average-linkage cluster never spans two components),
so typical runs of a few thousand articles stay cheap; far larger corpora need blocking first.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from datetime import datetime, timezone
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from storylens.model import ArticleAnalysis, Story, text_id

__all__ = ["group_stories", "similarity_matrix", "cluster_matrix", "DEFAULT_THRESHOLD"]

log = logging.getLogger(__name__)

# Tuned on the 150 BASIL articles (bench/grouping.py; B-cubed F1 over 50 three-outlet stories);
# see group_stories for the curve. 0.2 was the best or within 0.01 of the best for every entity
# weight tried (0-0.6), with and without publication times.
DEFAULT_THRESHOLD = 0.2
# Share of the similarity carried by entity mentions; the rest is content words. On BASIL at
# threshold 0.2 any weight in 0-0.3 scored within 0.01 F1 (0.45-0.6: 0.02 lower); 0.3 keeps
# names counting when outlets word a story differently, as they do more in small runs.
ENTITY_WEIGHT = 0.3
# Publication-time damping: none within a week (follow-ups, time zones, late reprints), then the
# similarity halves every 30 days. Gentle on purpose: developing stories run for weeks.
TIME_GRACE_DAYS = 7.0
TIME_HALF_LIFE_DAYS = 30.0
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


def _entity_features(analysis: ArticleAnalysis) -> list[str]:
    features: list[str] = []
    for mention in analysis.mentions:
        if mention.label not in ENTITY_LABELS:
            continue
        key = _entity_key(mention.text)
        if not key:
            continue
        features.append(key)
        parts = key.split()
        if mention.label == "PERSON" and len(parts) > 1:
            # Later mentions use the surname alone ("Gallant" after "Yoav Gallant").
            features.append(parts[-1])
    return features


PSEUDO_DOCS = 10


def _tfidf(docs: Sequence[list[str]]) -> sparse.csr_matrix:
    """Rows: sublinear tf x smooth idf, L2-normalised (empty documents stay zero rows)."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, doc in enumerate(docs):
        for term, count in Counter(doc).items():
            rows.append(r)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(1.0 + math.log(count))
    matrix = sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(docs), max(1, len(vocab)))
    )
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    # The run is the only corpus there is, and a small run makes a poor one: among three articles
    # on one event the words they share are exactly the ones its idf discounts. PSEUDO_DOCS
    # documents that contain none of the words are added to the count, so a small run weighs
    # terms nearly by tf while a large run keeps its own idf (calibrated with bench/grouping.py on
    # BASIL, run as 150 articles at once and as 50 separate triplets).
    idf = np.log((1.0 + len(docs) + PSEUDO_DOCS) / (1.0 + df)) + 1.0
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _timestamp(published: datetime | None) -> float:
    if published is None:
        return math.nan
    if published.tzinfo is None:
        # Naive times are taken as UTC; the damping is measured in days, so hours do not matter.
        published = published.replace(tzinfo=timezone.utc)
    return published.timestamp()


def _time_factor(analyses: Sequence[ArticleAnalysis]) -> np.ndarray:
    stamps = np.asarray([_timestamp(a.article.published) for a in analyses], dtype=np.float64)
    days = np.abs(stamps[:, None] - stamps[None, :]) / 86400.0
    excess = np.clip(days - TIME_GRACE_DAYS, 0.0, None)
    factor = np.power(0.5, excess / TIME_HALF_LIFE_DAYS)
    return np.where(np.isnan(factor), 1.0, factor)


def similarity_matrix(
    analyses: Sequence[ArticleAnalysis], *, entity_weight: float = ENTITY_WEIGHT, use_time: bool = True
) -> np.ndarray:
    """Pairwise story similarity in [0, 1] (diagonal 1): blended word/entity TF-IDF cosine."""
    if not analyses:
        return np.zeros((0, 0))
    words = _tfidf([_content_words(a.article.text) for a in analyses])
    entities = _tfidf([_entity_features(a) for a in analyses])
    sim = (1.0 - entity_weight) * (words @ words.T).toarray() + entity_weight * (entities @ entities.T).toarray()
    if use_time:
        sim *= _time_factor(analyses)
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, 0.0, 1.0)


def _components(adjacent: np.ndarray) -> list[list[int]]:
    n = adjacent.shape[0]
    seen = np.zeros(n, dtype=bool)
    out: list[list[int]] = []
    for start in range(n):
        if seen[start]:
            continue
        stack, members = [start], []
        seen[start] = True
        while stack:
            i = stack.pop()
            members.append(i)
            for j in np.flatnonzero(adjacent[i] & ~seen):
                seen[j] = True
                stack.append(int(j))
        out.append(sorted(members))
    return out


def _average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Clusters (lists of row indices) of average-linkage agglomeration stopped at threshold."""
    n = sim.shape[0]
    link = sim.astype(np.float64, copy=True)
    np.fill_diagonal(link, -np.inf)
    sizes = np.ones(n)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(members) > 1:
        flat = int(np.argmax(link))
        i, j = divmod(flat, n)
        if link[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        # Lance-Williams update for average linkage: the size-weighted mean of the two rows.
        merged = (sizes[i] * link[i] + sizes[j] * link[j]) / (sizes[i] + sizes[j])
        link[i, :] = merged
        link[:, i] = merged
        link[j, :] = -np.inf
        link[:, j] = -np.inf
        link[i, i] = -np.inf
        sizes[i] += sizes[j]
        members[i].extend(members.pop(j))
    return [sorted(m) for m in members.values()]


def cluster_matrix(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters of a similarity matrix, as sorted row lists ordered by first row."""
    clusters: list[list[int]] = []
    for component in _components(sim >= threshold):
        if len(component) <= 2:
            clusters.append(component)
            continue
        sub = sim[np.ix_(component, component)]
        clusters.extend([component[k] for k in cluster] for cluster in _average_linkage(sub, threshold))
    return sorted(clusters, key=lambda c: c[0])


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
    BASIL articles (50 stories, 3 outlets each), B-cubed F1 at 0.10 / 0.15 / 0.20 / 0.25 / 0.30:
    0.97 / 0.98 / 1.00 / 0.96 / 0.92 with publication times, 0.82 / 0.93 / 0.97 / 0.95 / 0.91
    without them (BASIL spans 2010-2014, so times separate stories more than in a daily run).
    Below 0.15 successive stories on one topic merge (events of one campaign, stages of one
    bill); above 0.25 the three outlets of a story start to split. Without times, 0.2 still
    merges same-topic events weeks apart (Benghazi hearings, gun-control proposals). The two seed articles (one story) score 0.44.
    ``copies`` (article id -> original id, from ``group.dedupe.find_copies``) is stored on the
    story of each copy.
    """
    if not analyses:
        return ()
    sim = similarity_matrix(analyses)
    stories: list[Story] = []
    for cluster in cluster_matrix(sim, threshold):
        members = [analyses[i] for i in cluster]
        ids = tuple(a.article.id for a in members)
        sub = sim[np.ix_(cluster, cluster)]
        # Most central: the largest summed similarity to the rest; argmax keeps input order on ties.
        central = members[int(np.argmax(sub.sum(axis=1)))]
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
