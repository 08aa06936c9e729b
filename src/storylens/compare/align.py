"""Align claims of different outlets into facts.

Whether two claims state the same fact is :mod:`storylens.compare.samefact`'s calibrated
probability (what the sentences say, not only how alike they read). Facts are built from those
probabilities (:func:`group_facts`): strongest pairs first, a fact holds at most one claim per
article (two sentences of one article are two statements), every pair inside a fact must still be
plausible (no chains of loosely related sentences), and a sentence that states several facts may
support each of them. Claims that resemble a fact without stating it are kept as related
(:func:`related_claims`), shown apart from the outlets that report it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Mapping, Sequence

import numpy as np

from storylens.model import Article, Claim, ClaimRef, Fact, FactStatus, text_id
from storylens.compare.sourcing import same_outlet
from storylens.understand.embed import Embedder

__all__ = [
    "claim_similarity",
    "group_facts",
    "related_claims",
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
# Hedge kinds that make a report less than a plain assertion.
_UNCERTAIN = frozenset({"hearsay", "expectation", "possibility", "claim"})


def is_hedged(claim: Claim) -> bool:
    return any(h.kind in _UNCERTAIN for h in claim.hedges)


def _incidence(sets: Sequence[set], weight: Mapping | None = None) -> np.ndarray:
    keys = sorted({k for ks in sets for k in ks}, key=str)
    col = {k: n for n, k in enumerate(keys)}
    m = np.zeros((len(sets), len(keys)), dtype=np.float64)
    for i, ks in enumerate(sets):
        for k in ks:
            m[i, col[k]] = 1.0 if weight is None else weight[k]
    return m


def claim_similarity(
    claims: Sequence[Claim], embedder: Embedder, embeddings: np.ndarray | None = None
) -> np.ndarray:
    """Pairwise similarity of claims: cosine of embeddings plus entity, number and day overlap.

    A topical signal (two claims about the same thing), not the same-fact decision, which is
    :mod:`storylens.compare.samefact`'s.
    """
    n = len(claims)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    emb = embedder.embed([c.text for c in claims]) if embeddings is None else embeddings
    sim = (emb @ emb.T).astype(np.float64)
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
    bonus = np.zeros((n, n), dtype=np.float64)
    if df:
        weighted = _incidence(ents, idf)
        shared = weighted @ (weighted > 0).T
        total = weighted.sum(axis=1)
        union = total[:, None] + total[None, :] - shared
        with np.errstate(divide="ignore", invalid="ignore"):
            bonus += np.where(shared > 0, ENTITY_WEIGHT * shared / np.where(union > 0, union, 1.0), 0.0)
    for sets, w in ((nums, NUMBER_WEIGHT), (days, TIME_WEIGHT)):
        if any(sets):
            m = _incidence(sets)
            bonus += w * ((m @ m.T) > 0)
    np.fill_diagonal(bonus, 0.0)
    return (sim + bonus).astype(np.float32)


def group_facts(
    articles_of: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    probs: Sequence[float],
    report_at: float,
    link_at: float,
) -> tuple[list[list[int]], dict[tuple[int, int], float]]:
    """Facts (lists of claim indices) from same-fact probabilities of claim pairs.

    Pairs at ``report_at`` and above are taken strongest first; a pair joins two facts when no
    article is on both sides and every pair of claims across them (of different articles) is at
    ``link_at`` or above, so a fact never chains statements that only resemble their neighbours.
    Then a sentence may state more than one fact: a strong pair whose claims stayed in different
    facts adds the claim to its partner's fact too, when that fact holds nothing of its article
    and the claim links to every other member there. Returns the facts (singletons included) and
    the probability of every pair, for confidences.
    """
    n = len(articles_of)
    prob: dict[tuple[int, int], float] = {}
    for (i, j), p in zip(pairs, probs):
        prob[(i, j) if i < j else (j, i)] = float(p)

    def p_of(i: int, j: int) -> float:
        return prob.get((i, j) if i < j else (j, i), 0.0)

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    arts: dict[int, set[str]] = {i: {articles_of[i]} for i in range(n)}
    strong = sorted(((p, i, j) for (i, j), p in prob.items() if p >= report_at), key=lambda t: (-t[0], t[1], t[2]))

    def links(i: int, group: list[int]) -> bool:
        return all(p_of(i, k) >= link_at for k in group if articles_of[k] != articles_of[i])

    for _, i, j in strong:
        a, b = owner[i], owner[j]
        if a == b or arts[a] & arts[b]:
            continue
        if not all(links(x, members[b]) for x in members[a]):
            continue
        members[a].extend(members.pop(b))
        arts[a] |= arts.pop(b)
        for k in members[a]:
            owner[k] = a
    extra: dict[int, list[int]] = {}
    for _, i, j in strong:
        for x, y in ((i, j), (j, i)):
            g = owner[y]
            if owner[x] == g or articles_of[x] in arts[g] or x in extra.get(g, ()):
                continue
            if links(x, members[g] + extra.get(g, [])):
                extra.setdefault(g, []).append(x)
                # another claim of x's article may not join g after x
                arts[g] = arts[g] | {articles_of[x]}
    groups = [sorted(m + extra.get(g, [])) for g, m in sorted(members.items())]
    return groups, prob


def related_claims(
    groups: Sequence[Sequence[int]],
    articles_of: Sequence[str],
    prob: Mapping[tuple[int, int], float],
    related_at: float,
    report_at: float,
) -> dict[int, dict[int, float]]:
    """Per fact (index into ``groups``): claims of other articles that resemble it without
    stating it, with their best probability - shown as related, never as reported."""
    home: dict[int, set[int]] = {}
    for g, m in enumerate(groups):
        for i in m:
            home.setdefault(i, set()).add(g)
    out: dict[int, dict[int, float]] = {}
    for (i, j), p in prob.items():
        if not related_at <= p < report_at:
            continue
        for x, y in ((i, j), (j, i)):
            for g in home.get(y, ()):
                if g in home.get(x, ()) or any(articles_of[k] == articles_of[x] for k in groups[g]):
                    continue
                slot = out.setdefault(g, {})
                slot[x] = max(slot.get(x, 0.0), p)
    return out


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
    related: Mapping[int, Mapping[int, float]] = {},
    prob: Mapping[tuple[int, int], float] = {},
    related_at: float = 0.0,
) -> tuple[Fact, ...]:
    """Facts from claim groups, with per-outlet status, independent support and first report.

    ``contradicted`` maps a fact id to the outlets whose claims contradict that fact's text;
    ``related`` maps a group's index to claims (index: probability) that resemble it: all are kept
    on the fact, and an outlet whose best one reaches ``related_at`` gets the status "related";
    ``prob`` holds the same-fact probability of claim pairs (the fact's confidence).
    """
    order = {aid: k for k, aid in enumerate(articles)}
    facts: list[tuple[tuple, Fact]] = []
    for gpos, g in enumerate(groups):
        gc = [claims[i] for i in g]
        fid = fact_id(gc)
        against = contradicted.get(fid, frozenset())
        # The fact's wording is that of its most central claim, never a made-up summary.
        if len(g) > 1:
            centrality = [float(np.mean([sim[i, j] for j in g if j != i])) for i in g]
        else:
            centrality = [1.0]
        ranked = sorted(
            range(len(g)),
            key=lambda k: (
                articles[gc[k].article_id].outlet.name not in against,
                centrality[k],
                -order[gc[k].article_id],
            ),
            reverse=True,
        )
        rep = gc[ranked[0]]
        by_outlet: dict[str, list[Claim]] = {}
        for c in gc:
            by_outlet.setdefault(articles[c.article_id].outlet.name, []).append(c)
        near = sorted(related.get(gpos, {}).items(), key=lambda kv: (order[claims[kv[0]].article_id], claims[kv[0]].span))
        near_outlets = {articles[claims[i].article_id].outlet.name for i, p in near if p >= related_at}
        status: dict[str, FactStatus] = {}
        for o in outlets:
            cs = by_outlet.get(o)
            if not cs:
                status[o] = "related" if o in near_outlets else "silent"
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
        cross = [
            prob.get((i, j) if i < j else (j, i), 0.0)
            for a, i in enumerate(g)
            for j in g[a + 1 :]
            if articles[claims[i].article_id].outlet.name != articles[claims[j].article_id].outlet.name
        ]
        fact = Fact(
            id=fid,
            text=rep.text,
            claims=refs,
            status=status,
            independent_support=len(origins),
            first_reported=first,
            rests_on=tuple(sorted(origins.values(), key=str.casefold)),
            confidence=round(min(cross), 3) if cross else None,
            related=tuple(claim_ref(claims[i], articles[claims[i].article_id]) for i, _ in near),
            related_confidence=tuple(round(p, 3) for _, p in near),
        )
        first_pos = min((order[c.article_id], c.span.start) for c in gc)
        n_outlets = sum(1 for s in status.values() if s not in ("silent", "related"))
        # other wordings it may take (_distinct_texts): never a contradicting outlet's
        wordings = [gc[k].text for k in ranked if articles[gc[k].article_id].outlet.name not in against] or [rep.text]
        facts.append(((-n_outlets, first_pos), fact, wordings))
    facts.sort(key=lambda t: t[0])
    return _distinct_texts([(f, texts) for _, f, texts in facts])


def _distinct_texts(facts: Sequence[tuple[Fact, Sequence[str]]]) -> tuple[Fact, ...]:
    """The facts, each worded by a claim no fact before it is worded by, where it has one.

    A sentence that states two facts stands in both; worded by it twice, the two rows would read
    as one fact listed twice, so the later one takes its next most central claim: the one that
    says what it adds ("Netanyahu vetoed Gallant's planned visit ..." and, in its second fact,
    "... that trip was postponed")."""
    used: set[str] = set()
    out = []
    for fact, texts in facts:
        text = next((t for t in texts if t not in used), fact.text)
        used.add(text)
        out.append(fact if text == fact.text else dataclasses.replace(fact, text=text))
    return tuple(out)
