"""Per-outlet sourcing profiles: whom each outlet relies on in one story, and how openly.

The understand stage finds every attribution of an article as :class:`SourceRef` objects; this
module adds them up per outlet (several articles of one outlet add up) into a
:class:`SourcingProfile`: named vs unnamed sources, counts by kind, anonymous officials by
affiliation, the other outlets it cites, and who it quotes how often.

One attribution often yields two refs: "three US officials told Axios" is an anonymous source
with ``via="Axios"`` plus an outlet source "Axios". They are counted as one attribution, of the
kind of the source that actually spoke (here: anonymous), and Axios counts once as cited.
A source speaking to the publishing outlet itself ("told the Courier" in the Courier) is that
outlet's own reporting: it cites no other outlet, and the outlet ref alone is not a source.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from storylens.model import Article, Quote, SourceRef, SourcingProfile

__all__ = ["sourcing_profiles", "same_outlet", "speaker_label", "NAMED_KINDS"]

log = logging.getLogger(__name__)

# Kinds whose ref is named when it carries a name; "media" without a name ("Hebrew media
# reports") and every anonymous source are unnamed.
NAMED_KINDS = frozenset({"person", "organization", "outlet", "media", "document"})

# How far apart (in characters) an outlet ref and a ref citing it through ``via`` may be to be one
# attribution. In the seeds the two halves are 10-37 characters apart ("NBC News reported on
# Tuesday, citing two U.S. officials"); a later "the officials" 177 characters on is a new one.
PAIR_GAP = 80
# A sentence boundary between two refs keeps them apart whatever the distance: end punctuation,
# optional closing quote, whitespace, then an upper-case letter or an opening quote.
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’]?\s+[\"“‘A-Z]")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def same_outlet(a: str, b: str) -> bool:
    """True when two outlet names name one outlet: equal, or one name's words end the other's.

    "Courier" and "the Bramcote Courier" are the same outlet; "Journal" and "Wall Street
    Journal" too (case-insensitive, a leading "the" ignored).
    """
    x = _LEADING_THE.sub("", a.strip()).casefold().split()
    y = _LEADING_THE.sub("", b.strip()).casefold().split()
    if not x or not y:
        return False
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    return long_[-len(short) :] == short


def speaker_label(ref: SourceRef) -> str:
    """A name for whoever a ref stands for: its name, else e.g. "unnamed US official"."""
    if ref.name and ref.kind != "anonymous":
        return ref.name
    what = ref.role or ("media" if ref.kind == "media" else "source")
    return " ".join(p for p in ("unnamed", ref.affiliation, what) if p)


def _cited(ref: SourceRef) -> str | None:
    """The outlet a ref points at: the outlet itself, or the outlet a source spoke to."""
    if ref.kind == "outlet" and ref.name:
        return ref.name
    return ref.via


@dataclass(slots=True)
class _Attribution:
    speaker: SourceRef  # the ref that stands for who spoke
    cited: set[str]


def _attributions(article: Article, refs: Sequence[SourceRef]) -> list[_Attribution]:
    """The refs of one article grouped into attributions (see the module docstring)."""
    own = article.outlet.name
    ordered = sorted(refs, key=lambda r: (r.span.start, r.span.end))
    absorbed: set[int] = set()
    groups: list[_Attribution] = []
    outlet_refs = [k for k, r in enumerate(ordered) if r.kind == "outlet" and r.name]
    for k, ref in enumerate(ordered):
        if ref.kind == "outlet":
            continue
        cited = {ref.via} if ref.via else set()
        for j in outlet_refs:
            other = ordered[j]
            if j in absorbed or not ref.via or not same_outlet(other.name or "", ref.via):
                continue
            lo, hi = sorted((ref.span, other.span))
            gap = article.text[lo.end : hi.start]
            if hi.start - lo.end <= PAIR_GAP and not _SENTENCE_BREAK.search(gap):
                absorbed.add(j)
                break
        groups.append(_Attribution(ref, cited))
    for j in outlet_refs:
        if j not in absorbed:
            groups.append(_Attribution(ordered[j], {ordered[j].name or ""}))
    # what the outlet's own journalists were told is not a citation of another outlet
    for g in groups:
        g.cited = {c for c in g.cited if c and not same_outlet(c, own)}
    return [g for g in groups if not (g.speaker.kind == "outlet" and same_outlet(g.speaker.name or "", own))]


def _canonical_names(names: Iterable[str], outlets: Sequence[str]) -> dict[str, str]:
    """Each cited name -> one display name: the story's outlet it names, else its longest form."""
    distinct = sorted(set(names), key=lambda n: (-len(n), n))
    out: dict[str, str] = {}
    for name in distinct:
        story_outlet = next((o for o in outlets if same_outlet(name, o)), None)
        if story_outlet is not None:
            out[name] = story_outlet
            continue
        longer = next((out[n] for n in out if same_outlet(name, n)), None)
        out[name] = longer or _LEADING_THE.sub("", name.strip())
    return out


def sourcing_profiles(
    articles: Sequence[Article],
    sources_by_article: Mapping[str, Sequence[SourceRef]],
    quotes_by_article: Mapping[str, Sequence[Quote]],
) -> tuple[SourcingProfile, ...]:
    """One profile per outlet of ``articles`` (in order of first appearance).

    ``named``/``unnamed``/``by_kind`` count attributions; ``officials_by_affiliation`` counts
    anonymous attributions whose role is "official" ("unspecified" when no affiliation is
    given); ``outlets_cited`` counts attributions naming another outlet; ``quoted`` counts quotes
    by speaker (unnamed speakers grouped by affiliation and role, "unattributed" when the quote
    has no speaker). Count maps are sorted most first, then by name.
    """
    outlets = list(dict.fromkeys(a.outlet.name for a in articles))
    per_outlet: dict[str, list[_Attribution]] = {o: [] for o in outlets}
    quoted: dict[str, Counter[str]] = {o: Counter() for o in outlets}
    for a in articles:
        per_outlet[a.outlet.name].extend(_attributions(a, sources_by_article.get(a.id, ())))
        for q in quotes_by_article.get(a.id, ()):
            quoted[a.outlet.name][speaker_label(q.speaker) if q.speaker is not None else "unattributed"] += 1
    all_cited = [c for groups in per_outlet.values() for g in groups for c in g.cited]
    canon = _canonical_names(all_cited, outlets)
    profiles = []
    for outlet in outlets:
        groups = per_outlet[outlet]
        named = sum(1 for g in groups if g.speaker.kind in NAMED_KINDS and g.speaker.name)
        by_kind = Counter(g.speaker.kind for g in groups)
        officials = Counter(
            g.speaker.affiliation or "unspecified"
            for g in groups
            if g.speaker.kind == "anonymous" and (g.speaker.role or "").casefold() == "official"
        )
        cited = Counter(canon[c] for g in groups for c in g.cited)
        profiles.append(
            SourcingProfile(
                outlet=outlet,
                named=named,
                unnamed=len(groups) - named,
                by_kind=_sorted(by_kind),
                officials_by_affiliation=_sorted(officials),
                outlets_cited=_sorted(cited),
                quoted=_sorted(quoted[outlet]),
            )
        )
    return tuple(profiles)


def _sorted(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
