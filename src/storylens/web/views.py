"""What each page of the web app shows, as plain data: the HTML templates and the JSON API both
render these, so a page and its ``/api/`` twin always say the same thing.

Nothing here computes a finding: it selects and arranges what the stored story reports hold.
Statuses are shown generically (an unknown status keeps its name and gets no symbol), so a new
status in the report model appears without a change here.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter, OrderedDict
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from storylens.library import load_story
from storylens.model import Article, ClaimRef, Fact, Span, StoryReport
from storylens.render import STATUS_SYMBOLS, fact_status, format_when, outlet_claim, single_outlet_facts, speaking_outlets
from storylens.render.json import report_to_dict
from storylens.render.text import outlet_codes
from storylens.store import Store, StoreQueryError, StorySummary, plain_query

__all__ = [
    "BadParameter",
    "NotFound",
    "parse_when",
    "parse_flag",
    "parse_span",
    "stories_view",
    "story_view",
    "story_json",
    "facts_csv_rows",
    "article_view",
    "outlet_view",
    "outlets_view",
    "search_view",
    "evidence_url",
    "SHOW_FILTERS",
    "MARK_OPEN",
    "MARK_CLOSE",
]

log = logging.getLogger(__name__)

# Search snippets wrap matches in these private-use characters; templates turn them into <mark>
# after escaping everything else, so text can never inject markup through a snippet.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
# Statuses that say an outlet tells the fact as the others do (the "agreed by all" summary).
_AGREEING = ("reported", "hedged")
SHOW_FILTERS = ("all", "shared", "conflicts", "single")
_STORY_HITS = 500  # stories a text search can narrow the list to


class BadParameter(ValueError):
    """A request parameter is malformed (answered with 422 and the reason)."""


class NotFound(LookupError):
    """The story, article or outlet asked for is not in the library (answered with 404)."""


# --- parameters --------------------------------------------------------------------------------


def parse_when(name: str, value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time parameter ('' and None: not given); naive means UTC."""
    if value is None or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadParameter(f"{name}: not an ISO 8601 date or date-time: {value!r} (e.g. 2024-10-09)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def parse_flag(name: str, value: str | None) -> bool | None:
    """A yes/no parameter: 1/true/yes/on or 0/false/no/off ('' and None: not given)."""
    if value is None or not value.strip():
        return None
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise BadParameter(f"{name}: expected true or false, got {value!r}")


def parse_span(value: str | None, text_length: int) -> Span | None:
    """``start-end`` character offsets into an article of ``text_length`` characters."""
    if value is None or not value.strip():
        return None
    start_s, sep, end_s = value.strip().partition("-")
    if not sep or not start_s.isdigit() or not end_s.isdigit():
        raise BadParameter(f"span: expected START-END character offsets, got {value!r}")
    start, end = int(start_s), int(end_s)
    if start > end or end > text_length:
        raise BadParameter(f"span: {start}-{end} is not within the article's {text_length} characters")
    return Span(start, end)


def evidence_url(ref: ClaimRef | None = None, *, article_id: str | None = None, span: Span | None = None) -> str:
    """The article page with this evidence highlighted and scrolled into view."""
    aid = ref.article_id if ref is not None else article_id
    where = ref.span if ref is not None else span
    if where is None:
        return f"/articles/{aid}"
    return f"/articles/{aid}?span={where.start}-{where.end}#ev"


def symbol(status: str) -> str:
    """The matrix mark of a status; silent gets a dot, an unknown status its first letter."""
    if status == "silent":
        return "·"
    return STATUS_SYMBOLS.get(status) or status[:1]


# --- stories list ------------------------------------------------------------------------------


def _summary(s: StorySummary) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "first_published": s.first_published,
        "last_published": s.last_published,
        "articles": s.n_articles,
        "outlets": list(s.outlets),
        "facts": s.n_facts,
        "shared": s.n_shared,
        "single": s.n_single,
        "conflicts": s.n_conflicts,
        "updated_at": s.updated_at,
    }


def _matching_stories(store: Store, q: str) -> list[str]:
    """Stories whose facts or articles match the words of ``q``, best first."""
    query = plain_query(q)
    if not query:
        return []
    ids: dict[str, None] = {}
    for hit in store.search_facts(query, limit=_STORY_HITS):
        ids.setdefault(hit.story_id, None)
    article_hits = store.search(query, limit=_STORY_HITS)
    for sid in _stories_in_order(store, [h.article_id for h in article_hits]):
        ids.setdefault(sid, None)
    return list(ids)


def _stories_in_order(store: Store, article_ids: Sequence[str]) -> list[str]:
    story_of = store.stories_of(article_ids)
    return list(dict.fromkeys(story_of[a] for a in article_ids if a in story_of))


def stories_view(
    store: Store,
    *,
    q: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    conflicts: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """The stories list: newest first, filtered; ``q`` keeps stories whose facts or articles
    contain all its words."""
    when_since, when_until = parse_when("since", since), parse_when("until", until)
    if when_since and when_until and when_since >= when_until:
        raise BadParameter("since must be before until")
    flag = parse_flag("conflicts", conflicts)
    story_ids = _matching_stories(store, q) if q and q.strip() else None
    rows, total = store.list_stories(
        outlet=outlet or None, since=when_since, until=when_until, conflicts=flag,
        story_ids=story_ids, limit=limit, offset=offset,
    )
    return {
        "stories": [_summary(r) for r in rows],
        "total": total,
        "limit": limit,
        "offset": offset,
        "filters": {"q": q or "", "outlet": outlet or "", "since": since or "", "until": until or "",
                    "conflicts": "" if flag is None else ("true" if flag else "false")},
        "outlets": store.list_outlets(),
        "library": {"stories": store.count_stories(), "articles": store.count_articles()},
    }


# --- story ---------------------------------------------------------------------------------------


class _ReportCache:
    """Recently shown story reports, by store, story id and the key the report was computed
    from: a stored report never changes under one key, and rebuilding one from its JSON was two
    thirds of the time of a story page (45 of 68 ms on a BASIL story)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str], StoryReport] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, story_id: str) -> StoryReport | None:
        current = store.resolve_story(story_id)
        key = store.story_key(current) if current else None
        if current is None or key is None:
            return None
        slot = (store.path, current, key)
        with self._lock:
            if slot in self._items:
                self._items.move_to_end(slot)
                return self._items[slot]
        sr = load_story(store, current)
        if sr is not None:
            with self._lock:
                self._items[slot] = sr
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return sr


# A BASIL story report (3 articles) takes about 0.4 MB as Python objects (tracemalloc): 64 of
# them stay well under 100 MB.
_REPORTS = _ReportCache(64)


def _story(store: Store, story_id: str) -> StoryReport:
    sr = _REPORTS.get(store, story_id)
    if sr is None:
        raise NotFound(f"no story {story_id!r} in this library")
    return sr


def _fact_kind(fact: Fact, outlets: Sequence[str], conflict_facts: set[str]) -> set[str]:
    kinds = {"all"}
    speaking = speaking_outlets(fact, outlets)
    if len(speaking) > 1:
        kinds.add("shared")
    if len(speaking) == 1 and len(outlets) > 1:
        kinds.add("single")
    if fact.id in conflict_facts or any(fact_status(fact, o) == "contradicted" for o in outlets):
        kinds.add("conflicts")
    return kinds


def _claim(ref: ClaimRef) -> dict[str, Any]:
    return {"article_id": ref.article_id, "outlet": ref.outlet, "span": [ref.span.start, ref.span.end],
            "text": ref.text, "url": evidence_url(ref)}


def story_view(store: Store, story_id: str, *, show: str = "all") -> dict[str, Any]:
    """The story page: summary first (agreed by all, contradicted, one outlet only), then the
    facts x outlets matrix (filtered by ``show``), quotes, sources, timeline, framing, events."""
    if show not in SHOW_FILTERS:
        raise BadParameter(f"show: expected one of {', '.join(SHOW_FILTERS)}, got {show!r}")
    sr = _story(store, story_id)
    outlets = list(sr.outlets)
    codes = outlet_codes(outlets)
    numbers = {f.id: n for n, f in enumerate(sr.facts, 1)}
    conflict_facts = {c.fact_id for c in sr.conflicts}
    outlet_of = {a.id: a.outlet.name for a in sr.articles}

    rows = []
    for fact in sr.facts:
        kinds = _fact_kind(fact, outlets, conflict_facts)
        cells = []
        for o in outlets:
            status = fact_status(fact, o)
            ref = outlet_claim(fact, o) if status != "silent" else None
            cells.append({"outlet": o, "code": codes[o], "status": status, "symbol": symbol(status),
                          "url": evidence_url(ref) if ref else None, "text": ref.text if ref else None})
        rows.append({"id": fact.id, "number": numbers[fact.id], "text": fact.text, "cells": cells,
                     "support": fact.independent_support, "first": fact.first_reported,
                     "rests_on": list(fact.rests_on), "kinds": sorted(kinds),
                     "claims": [_claim(c) for c in fact.claims], "shown": show in kinds})

    several = len(outlets) > 1
    agreed = [r for r in rows if several and all(c["status"] in _AGREEING for c in r["cells"])]
    single = {o: [{"number": numbers[f.id], "id": f.id, "text": f.text} for f in fs]
              for o, fs in single_outlet_facts(sr).items()}
    contradicted = []
    for c in sr.conflicts:
        sides: dict[str, list[dict[str, Any]]] = {}
        for ref in c.claims:
            sides.setdefault(ref.outlet, []).append(_claim(ref))
        contradicted.append({"id": c.id, "kind": c.kind, "detail": c.detail, "fact": numbers.get(c.fact_id),
                             "fact_id": c.fact_id, "sides": [{"outlet": o, "claims": cs} for o, cs in sides.items()]})
    statuses = list(dict.fromkeys(["reported", "hedged", "contradicted", "silent"]
                                  + [c["status"] for r in rows for c in r["cells"]]))
    return {
        "id": sr.story.id,
        "title": sr.story.title,
        "failed": sr.failed,
        "period": list(sr.story.period),
        "outlets": [{"name": o, "code": codes[o]} for o in outlets],
        "articles": [
            {"id": a.id, "outlet": a.outlet.name, "title": a.title, "url": a.url, "published": a.published,
             "copy_of": outlet_of.get(sr.story.copies.get(a.id, ""), None)}
            for a in sr.articles
        ],
        "counts": {"articles": len(sr.articles), "outlets": len(outlets), "facts": len(rows),
                   "shared": sum(1 for r in rows if "shared" in r["kinds"]),
                   "single": sum(1 for r in rows if "single" in r["kinds"]),
                   "conflicts": len(sr.conflicts)},
        "summary": {"agreed": agreed, "contradicted": contradicted, "single": single},
        "show": show,
        "filter_counts": {k: sum(1 for r in rows if k in r["kinds"]) for k in SHOW_FILTERS},
        "facts": rows,
        "legend": [{"status": s, "symbol": symbol(s)} for s in statuses],
        "quotes": _quotes(sr, outlet_of),
        "sources": _sources(sr, outlet_of),
        "profiles": [dataclasses.asdict(p) for p in sr.profiles],
        "timeline": [{"start": t.start, "end": t.end, "text": t.text, "claims": [_claim(c) for c in t.claims]}
                     for t in sr.timeline],
        "framing": _framing(sr, codes, numbers),
        "events": _events(sr, numbers),
        "omissions": [{"outlet": om.outlet, "fact": numbers.get(om.fact_id), "support": om.support,
                       "reporters": list(om.reporters), "confidence": om.confidence} for om in sr.omissions],
    }


def _quotes(sr: StoryReport, outlet_of: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for aid, quotes in sr.quotes.items():
        for q in quotes:
            speaker = q.speaker
            out.append({
                "outlet": outlet_of.get(aid, aid), "kind": q.kind, "text": q.text,
                "url": evidence_url(article_id=aid, span=q.span),
                "speaker": None if speaker is None else (speaker.name or speaker.text),
                "speaker_kind": None if speaker is None else speaker.kind,
            })
    return out


def _sources(sr: StoryReport, outlet_of: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {"outlet": outlet_of.get(aid, aid), "kind": s.kind, "name": s.name, "count": s.count, "role": s.role,
         "affiliation": s.affiliation, "via": s.via, "text": s.text, "url": evidence_url(article_id=aid, span=s.span)}
        for aid, sources in sr.sources.items()
        for s in sources
    ]


def _framing(sr: StoryReport, codes: Mapping[str, str], numbers: Mapping[str, int]) -> dict[str, Any]:
    naming = []
    distinctive: dict[str, list[dict[str, Any]]] = {}
    for note in sr.framing:
        if note.kind == "distinctive" and note.outlet:
            distinctive.setdefault(note.outlet, []).append({"term": note.term, "score": note.score,
                                                             "uses": len(note.uses)})
            continue
        words: dict[str, dict[str, Any]] = {}
        for use in note.uses:
            entry = words.setdefault(use.text, {"word": use.text, "outlets": [], "url": evidence_url(use)})
            if use.outlet not in entry["outlets"]:
                entry["outlets"].append(use.outlet)
        naming.append({"kind": note.kind, "detail": note.detail, "fact": numbers.get(note.fact_id or ""),
                       "words": list(words.values())})
    for notes in distinctive.values():
        notes.sort(key=lambda n: -(n["score"] or 0.0))
    return {"naming": naming, "distinctive": distinctive}


def _events(sr: StoryReport, numbers: Mapping[str, int]) -> list[dict[str, Any]]:
    roles = ("actor", "action", "target", "time", "place")
    out = []
    for e in sr.events:
        versions = []
        for v in e.versions:
            words = {r: (getattr(v, r).text if getattr(v, r) is not None else None) for r in roles}
            versions.append({"outlet": v.outlet, **words})
        out.append({"id": e.id, "fact": numbers.get(e.fact_id), **{r: getattr(e, r) for r in roles},
                    "differs": list(e.differs), "versions": versions})
    return out


def story_json(store: Store, story_id: str, *, with_text: bool = False) -> dict[str, Any]:
    """The story in the JSON report's shape (``report.schema.json``, one element of ``stories``)."""
    from storylens.model import Report

    sr = _story(store, story_id)
    return report_to_dict(Report(stories=(sr,)), with_text=with_text)["stories"][0]


def facts_csv_rows(store: Store, story_id: str) -> tuple[str, list[list[str]]]:
    """The facts x outlets table as CSV rows (header first): number, fact, one status column per
    outlet, independent support, first reported, and per outlet its evidence span."""
    sr = _story(store, story_id)
    outlets = list(sr.outlets)
    header = ["fact", "text", *outlets, "independent_support", "first_reported", *[f"{o} span" for o in outlets]]
    rows = [header]
    for n, fact in enumerate(sr.facts, 1):
        spans = []
        for o in outlets:
            ref = outlet_claim(fact, o) if fact_status(fact, o) != "silent" else None
            spans.append(f"{ref.article_id}:{ref.span.start}-{ref.span.end}" if ref else "")
        rows.append([f"F{n}", fact.text, *[fact_status(fact, o) for o in outlets],
                     str(fact.independent_support), fact.first_reported or "", *spans])
    return sr.story.id, rows


# --- article -------------------------------------------------------------------------------------


def article_view(store: Store, article_id: str, *, span: str | None = None) -> dict[str, Any]:
    """An article's text with only the evidence ``span`` highlighted, the facts whose claims of
    this article overlap that span beside it, and every fact the article contributes to."""
    article = store.get_article(article_id)
    if article is None:
        raise NotFound(f"no article {article_id!r} in this library")
    selected = parse_span(span, len(article.text))
    story_id = store.stories_of([article_id]).get(article_id)
    sr = _REPORTS.get(store, story_id) if story_id else None
    # the stored story's own copy of the article is the text its spans index
    if sr is not None:
        article = next((a for a in sr.articles if a.id == article_id), article)
    facts_here: list[dict[str, Any]] = []
    at_span: list[dict[str, Any]] = []
    if sr is not None:
        outlets = list(sr.outlets)
        for n, fact in enumerate(sr.facts, 1):
            mine = [c for c in fact.claims if c.article_id == article_id]
            if not mine:
                continue
            entry = {"number": n, "id": fact.id, "text": fact.text, "url": f"/stories/{sr.story.id}#F{n}",
                     "claims": [_claim(c) for c in mine],
                     "status": [{"outlet": o, "status": fact_status(fact, o), "symbol": symbol(fact_status(fact, o))}
                                for o in outlets]}
            facts_here.append(entry)
            if selected is not None and any(_touches(c.span, selected) for c in mine):
                at_span.append(entry)
    return {
        "article": _article(article),
        "text": article.text,
        "paragraphs": _paragraphs(article, selected),
        "span": None if selected is None else [selected.start, selected.end],
        "span_text": None if selected is None else selected.of(article.text),
        "story": None if sr is None else {"id": sr.story.id, "title": sr.story.title},
        "claims_at_span": at_span,
        "facts": facts_here,
    }


def _touches(a: Span, b: Span) -> bool:
    return a.overlaps(b) or (a == b)


def _article(a: Article) -> dict[str, Any]:
    return {"id": a.id, "outlet": a.outlet.name, "outlet_kind": a.outlet.kind, "title": a.title, "url": a.url,
            "byline": a.byline, "published": a.published, "published_how": a.published_how,
            "language": a.language, "source": a.origin}


def _paragraphs(article: Article, selected: Span | None) -> list[list[dict[str, Any]]]:
    """The text as paragraphs of runs; the one run inside ``selected`` is marked (so the page
    highlights exactly that evidence and nothing else)."""
    text = article.text
    bounds = [(p.start, p.end) for p in article.paragraphs if p.end <= len(text)] or [(0, len(text))]
    # text between declared paragraphs is kept, so nothing of the article goes missing
    full: list[tuple[int, int]] = []
    pos = 0
    for start, end in sorted(bounds):
        if start > pos:
            full.append((pos, start))
        full.append((max(start, pos), end))
        pos = max(pos, end)
    if pos < len(text):
        full.append((pos, len(text)))
    out = []
    for start, end in full:
        if start >= end or not text[start:end].strip():
            continue
        runs = []
        cuts = sorted({start, end} | ({min(max(selected.start, start), end), min(max(selected.end, start), end)}
                                      if selected else set()))
        for a, b in zip(cuts, cuts[1:]):
            if a < b:
                runs.append({"text": text[a:b], "marked": bool(selected and selected.start <= a and b <= selected.end)})
        out.append(runs)
    return out


# --- outlets -------------------------------------------------------------------------------------


def outlets_view(store: Store) -> dict[str, Any]:
    """Every outlet of the library with its totals."""
    return {"outlets": [dataclasses.asdict(t) for t in store.outlet_totals()]}


_SHOWN_FACTS = 30


def outlet_view(store: Store, name: str) -> dict[str, Any]:
    """One outlet across the library: how often it reported first, its exclusives, its
    omissions and its sourcing profile (summed over its stories)."""
    totals = store.outlet_totals(name)
    if not totals:
        raise NotFound(f"no outlet {name!r} in this library")
    pairs = store.outlet_stories(name)
    profile = _sum_profiles(row.profile for _, row in pairs)
    omitted = []
    for summary, row in pairs:
        if not row.omitted or len(omitted) >= _SHOWN_FACTS:
            continue
        by_id = {f.fact_id: f for f in store.story_facts(summary.id)}
        for fid in row.omitted:
            f = by_id.get(fid)
            if f is not None and len(omitted) < _SHOWN_FACTS:
                omitted.append({"story_id": summary.id, "story_title": summary.title, "number": f.number,
                                "text": f.text, "outlets": list(f.outlets), "support": f.support})

    def facts(rows: Iterable[tuple[str, str, Any]]) -> list[dict[str, Any]]:
        return [{"story_id": sid, "story_title": title, "number": f.number, "text": f.text,
                 "outlets": list(f.outlets), "support": f.support} for sid, title, f in rows]

    return {
        "outlet": name,
        "totals": dataclasses.asdict(totals[0]),
        "stories": [{**_summary(s), "row": {k: v for k, v in dataclasses.asdict(r).items() if k not in ("profile", "omitted")}}
                    for s, r in pairs],
        "first": facts(store.outlet_facts(name, first=True, limit=_SHOWN_FACTS)),
        "exclusives": facts(store.outlet_facts(name, exclusive=True, limit=_SHOWN_FACTS)),
        "omitted": omitted,
        "profile": profile,
    }


def _sum_profiles(profiles: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    named = unnamed = 0
    counters: dict[str, Counter[str]] = {k: Counter() for k in ("by_kind", "officials_by_affiliation", "outlets_cited", "quoted")}
    for p in profiles:
        if not p:
            continue
        named += int(p.get("named", 0))
        unnamed += int(p.get("unnamed", 0))
        for key, counter in counters.items():
            counter.update({str(k): int(v) for k, v in (p.get(key) or {}).items()})
    return {"named": named, "unnamed": unnamed,
            **{k: dict(c.most_common(15)) for k, c in counters.items()}}


# --- search --------------------------------------------------------------------------------------


def search_view(store: Store, q: str | None, *, limit: int = 20) -> dict[str, Any]:
    """Facts and articles matching all words of ``q`` (FTS5, stemmed), best first."""
    text = (q or "").strip()
    if not text:
        return {"q": "", "facts": [], "articles": []}
    query = plain_query(text)
    if not query:
        raise BadParameter("q: no words to search for")
    try:
        fact_hits = store.search_facts(query, limit=limit, mark=(MARK_OPEN, MARK_CLOSE))
        article_hits = store.search(query, limit=limit, mark=(MARK_OPEN, MARK_CLOSE))
    except StoreQueryError as exc:  # plain_query quotes every word; kept as a guard
        raise BadParameter(f"q: {exc}") from exc
    story_of = store.stories_of(h.article_id for h in article_hits)
    return {
        "q": text,
        "facts": [{"story_id": h.story_id, "story_title": h.story_title, "number": h.number,
                   "snippet": h.snippet, "outlets": list(h.outlets), "url": f"/stories/{h.story_id}#F{h.number}"}
                  for h in fact_hits],
        "articles": [{"article_id": h.article_id, "title": h.title, "outlet": h.outlet, "snippet": h.snippet,
                      "story_id": story_of.get(h.article_id), "url": f"/articles/{h.article_id}"}
                     for h in article_hits],
    }


def when_text(value: datetime | None) -> str:
    """Dates as the pages show them."""
    return format_when(value)
