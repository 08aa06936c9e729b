"""Align claims of different outlets into facts.

Two claims state the same fact when their sentence embeddings are close (paraphrase-aware:
"nixed Gallant's trip" ~ "vetoed Gallant's planned visit"), helped by the canonical entities,
numbers and resolved days they share. Clustering is average-linkage over cross-article pairs, with the constraint
that a fact holds at most one claim per article: two sentences of one article are two statements,
and the constraint also stops chains of loosely related sentences from collapsing into one fact.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from storylens.model import Article, Claim, ClaimRef, Fact, FactStatus, text_id
from storylens.compare.sourcing import same_outlet
from storylens.understand.embed import Embedder

__all__ = [
    "claim_similarity",
    "cluster_claims",
    "merge_clause_facts",
    "build_facts",
    "claim_ref",
    "is_hedged",
]

log = logging.getLogger(__name__)

# Weights of the non-embedding evidence. Shared canonical entities are strong evidence that two
# sentences talk about the same thing; calibrated on the seed pair and the demo corpus, where
# sentences of the same fact share >= 2 entities and their cosine alone sat 0.05-0.15 below
# the threshold for the harder paraphrases.
ENTITY_WEIGHT = 0.15
NUMBER_WEIGHT = 0.05
# Two claims dated to the same resolved day are a little more likely to state the same thing;
# kept as small as the number bonus because many statements of one story share its main day.
TIME_WEIGHT = 0.05
# How far below the pair threshold the average similarity of two merged clusters may fall.
LINKAGE_SLACK = 0.05

# Hedge kinds that make a report less than a plain assertion.
_UNCERTAIN = frozenset({"hearsay", "expectation", "possibility", "claim"})


def is_hedged(claim: Claim) -> bool:
    return any(h.kind in _UNCERTAIN for h in claim.hedges)


def claim_similarity(
    claims: Sequence[Claim], embedder: Embedder, embeddings: np.ndarray | None = None
) -> np.ndarray:
    """Pairwise similarity of claims: cosine of embeddings plus entity and number overlap."""
    n = len(claims)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    emb = embedder.embed([c.text for c in claims]) if embeddings is None else embeddings
    sim = emb @ emb.T
    ents = [set(c.entities) for c in claims]
    nums = [{round(q.value, 3) for q in c.quantities} for c in claims]
    days = [{t.value for t in c.times if t.start is not None and t.granularity == "day" and t.value} for c in claims]
    # An entity named in most claims of the story (Israel, the US in the seeds) says little
    # about which fact two claims state; weight each entity by its inverse claim frequency.
    df: dict[str, int] = {}
    for es in ents:
        for e in es:
            df[e] = df.get(e, 0) + 1
    idf = {e: math.log((n + 1) / (k + 0.5)) for e, k in df.items()}
    for i in range(n):
        for j in range(i + 1, n):
            bonus = 0.0
            shared = ents[i] & ents[j]
            if shared:
                union = ents[i] | ents[j]
                bonus += ENTITY_WEIGHT * sum(idf[e] for e in shared) / sum(idf[e] for e in union)
            if nums[i] & nums[j]:
                bonus += NUMBER_WEIGHT
            if days[i] & days[j]:
                bonus += TIME_WEIGHT
            sim[i, j] += bonus
            sim[j, i] += bonus
    return sim


def cluster_claims(claims: Sequence[Claim], sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of claim indices, each group at most one claim per article; singletons included."""
    n = len(claims)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    arts: dict[int, set[str]] = {i: {claims[i].article_id} for i in range(n)}
    pairs = [
        (float(sim[i, j]), i, j)
        for i in range(n)
        for j in range(i + 1, n)
        if claims[i].article_id != claims[j].article_id and sim[i, j] >= threshold
    ]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    for _, i, j in pairs:
        a, b = owner[i], owner[j]
        if a == b or arts[a] & arts[b]:
            continue
        avg = float(np.mean(sim[np.ix_(members[a], members[b])]))
        if avg < threshold - LINKAGE_SLACK:
            continue
        members[a].extend(members.pop(b))
        arts[a] |= arts.pop(b)
        for k in members[a]:
            owner[k] = a
    return [sorted(m) for _, m in sorted(members.items())]


def merge_clause_facts(
    groups: list[list[int]],
    claims: Sequence[Claim],
    articles: Mapping[str, Article],
    embedder: Embedder,
    threshold: float,
    claim_embeddings: np.ndarray | None = None,
) -> list[list[int]]:
    """Merge facts that agree at the level of whole sentences.

    Outlets do not split statements the same way: one writes "diesel leaked, and a boom was
    placed" as one sentence, another splits it into two clauses that then align with nothing
    on their own. Two facts merge when, compared sentence to sentence, their claims are as
    similar as the alignment threshold asks, and every article they share contributes clauses
    of one and the same sentence.
    """
    split = np.array([c.sentence is not None for c in claims], dtype=bool)
    if not split.any():
        return groups
    sent_span = [c.sentence or c.span for c in claims]
    # only the sentences of split claims are new text; every other claim is its own sentence
    emb = claim_embeddings.copy() if claim_embeddings is not None else embedder.embed([c.text for c in claims])
    todo = [int(i) for i in np.nonzero(split)[0]]
    texts = [articles[claims[i].article_id].text[sent_span[i].start : sent_span[i].end] for i in todo]
    emb[todo] = embedder.embed(texts)
    ssim = emb @ emb.T
    art = np.array([c.article_id for c in claims], dtype=object)
    sent_key = [(claims[i].article_id, sent_span[i].start, sent_span[i].end) for i in range(len(claims))]

    members: dict[int, list[int]] = {g: list(m) for g, m in enumerate(groups)}
    owner = {i: g for g, m in members.items() for i in m}
    # A merge needs a mean cross-article similarity >= threshold, so some pair must reach it:
    # candidates are the groups joined by such a pair with a split claim on one side.
    high: dict[int, list[int]] = {}
    for i in todo:
        js = np.nonzero((ssim[i] >= threshold) & (art != art[i]))[0]
        high[i] = [int(j) for j in js]
    reverse: dict[int, list[int]] = {}
    for i, js in high.items():
        for j in js:
            reverse.setdefault(j, []).append(i)

    def neighbours(g: int) -> set[int]:
        out: set[int] = set()
        for i in members[g]:
            out.update(owner[j] for j in high.get(i, ()))
            out.update(owner[j] for j in reverse.get(i, ()))
        out.discard(g)
        return out

    def score(a: int, b: int) -> float | None:
        ma, mb = members[a], members[b]
        ka = {sent_key[i] for i in ma}
        kb = {sent_key[i] for i in mb}
        for article_id in {k[0] for k in ka} & {k[0] for k in kb}:
            if {k for k in ka if k[0] == article_id} != {k for k in kb if k[0] == article_id}:
                return None
        block = ssim[np.ix_(ma, mb)]
        cross = art[ma][:, None] != art[mb][None, :]
        if not cross.any():
            return None
        value = float(block[cross].mean())
        return value if value >= threshold else None

    scores: dict[tuple[int, int], float] = {}
    for g in list(members):
        for h in neighbours(g):
            pair = (min(g, h), max(g, h))
            if pair not in scores:
                sc = score(*pair)
                if sc is not None:
                    scores[pair] = sc
    while scores:
        (x, y), _ = max(scores.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
        members[x].extend(members.pop(y))
        for i in members[x]:
            owner[i] = x
        scores = {p: v for p, v in scores.items() if x not in p and y not in p}
        for h in neighbours(x):
            pair = (min(x, h), max(x, h))
            sc = score(*pair)
            if sc is not None:
                scores[pair] = sc
    return [sorted(m) for _, m in sorted(members.items())]


def claim_ref(claim: Claim, article: Article) -> ClaimRef:
    return ClaimRef(claim.article_id, article.outlet.name, claim.span, claim.text, claim.id)


def _origin(claim: Claim, article: Article, copies: Mapping[str, str], articles: Mapping[str, Article]) -> str:
    """What a claim rests on: the outlet it cites, else the outlet of the original it copies.

    A claim citing an outlet and that outlet's own claim rest on the same report; a source that
    spoke to the publishing outlet itself ("told the Courier") is the outlet's own reporting.
    """
    root = articles.get(copies.get(article.id, article.id), article)
    own = root.outlet.name
    for s in claim.sources:
        cited = s.name if s.kind == "outlet" else s.via
        if cited and not same_outlet(cited, article.outlet.name):
            return _origin_key(cited, articles)
    return _origin_key(own, articles)


def _origin_key(name: str, articles: Mapping[str, Article]) -> str:
    """One name per outlet, whether it is named in full or by a short form."""
    for a in articles.values():
        if same_outlet(name, a.outlet.name):
            return a.outlet.name
    return name


def fact_id(group_claims: Sequence[Claim]) -> str:
    return "f" + text_id(" ".join(sorted(c.id for c in group_claims)), 12)


def build_facts(
    groups: Sequence[Sequence[int]],
    claims: Sequence[Claim],
    sim: np.ndarray,
    articles: Mapping[str, Article],
    outlets: Sequence[str],
    *,
    copies: Mapping[str, str],
    contradicted: Mapping[str, frozenset[str]] = {},
) -> tuple[Fact, ...]:
    """Facts from claim groups, with per-outlet status, independent support and first report.

    ``contradicted`` maps a fact id to the outlets whose claims contradict that fact's text.
    """
    order = {aid: k for k, aid in enumerate(articles)}
    facts: list[tuple[tuple, Fact]] = []
    for g in groups:
        gc = [claims[i] for i in g]
        fid = fact_id(gc)
        against = contradicted.get(fid, frozenset())
        # The fact's wording is that of its most central claim, never a made-up summary.
        if len(g) > 1:
            centrality = [float(np.mean([sim[i, j] for j in g if j != i])) for i in g]
        else:
            centrality = [1.0]
        rep_pos = max(
            range(len(g)),
            key=lambda k: (
                articles[gc[k].article_id].outlet.name not in against,
                centrality[k],
                -order[gc[k].article_id],
            ),
        )
        rep = gc[rep_pos]
        by_outlet: dict[str, list[Claim]] = {}
        for c in gc:
            by_outlet.setdefault(articles[c.article_id].outlet.name, []).append(c)
        status: dict[str, FactStatus] = {}
        for o in outlets:
            cs = by_outlet.get(o)
            if not cs:
                status[o] = "silent"
            elif o in against:
                status[o] = "contradicted"
            elif all(is_hedged(c) for c in cs):
                status[o] = "hedged"
            else:
                status[o] = "reported"
        supporting = [c for c in gc if status[articles[c.article_id].outlet.name] in ("reported", "hedged")]
        origins: dict[str, str] = {}
        for c in supporting:
            name = _origin(c, articles[c.article_id], copies, articles)
            origins.setdefault(name.casefold(), name)
        dated = [(articles[c.article_id].published, articles[c.article_id].outlet.name) for c in supporting]
        known = [d for d in dated if d[0] is not None]
        first = min(known, key=lambda d: d[0])[1] if known and len(known) == len(dated) else None
        refs = tuple(claim_ref(c, articles[c.article_id]) for c in sorted(gc, key=lambda c: (order[c.article_id], c.span)))
        fact = Fact(
            id=fid,
            text=rep.text,
            claims=refs,
            status=status,
            independent_support=len(origins),
            first_reported=first,
            rests_on=tuple(sorted(origins.values(), key=str.casefold)),
        )
        first_pos = min((order[c.article_id], c.span.start) for c in gc)
        n_outlets = sum(1 for s in status.values() if s != "silent")
        facts.append(((-n_outlets, first_pos), fact))
    facts.sort(key=lambda t: t[0])
    return tuple(f for _, f in facts)
