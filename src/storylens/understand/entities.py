"""Named entities: mentions per article, then one canonical entity table per story.

Per article (:func:`find_mentions`) the spaCy NER output is cleaned: a leading "the" and a
trailing possessive are cut from the span (so "Gallant’s" is the mention "Gallant"), bare title
words that the small model tags as organisations ("Defence", "National Security Advisor") are
dropped, and hyphenated pairs of names ("Biden-Netanyahu") are not taken as one organisation.

Across the articles of a story (:func:`link_entities`) mentions are merged into entities:
country aliases (U.S. / US / United States / America), a surname alone to the one full name that
ends with it ("Gallant" → "Yoav Gallant"), an initialism to its expansion when both occur ("WSJ" →
"Wall Street Journal"), and transliteration variants of a full name whose first names agree and
whose surnames sound alike ("Ismail Heniyye" / "Ismail Haniyeh"). The kind of an entity is the
majority label of its fullest name's mentions, with PERSON winning ties because the small model
often tags a person in the possessive as ORG. Metonyms (Washington, Jerusalem, the Pentagon) stay
distinct entities, linked to what they may stand for (``Entity.stands_for``).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from storylens.model import Entity, Mention, Span, text_id

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["find_mentions", "link_entities", "canonical_key", "ENTITY_LABELS", "METONYMS"]

log = logging.getLogger(__name__)

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})

# Title and office words that the small English model tags as ORG on their own.
_TITLE_WORDS = frozenset(
    """
    defence defense minister ministry secretary president prime spokesperson spokesman spokeswoman
    advisor adviser national security chief general director senator governor mayor officials official
    council cabinet department
    """.split()
)

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")

# Country and organisation aliases: a small table of facts, extended as real inputs show more.
_ALIASES: dict[str, str] = {
    "us": "United States",
    "usa": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom": "United Kingdom",
    "uae": "United Arab Emirates",
    "united arab emirates": "United Arab Emirates",
    "eu": "European Union",
    "european union": "European Union",
    "un": "United Nations",
    "united nations": "United Nations",
    "islamic republic": "Iran",
    "russian federation": "Russia",
}

_ALIAS_NAMES: dict[str, str] = {v.casefold(): v for v in _ALIASES.values()}


# Places and buildings that news uses for a government or institution ("Washington warned",
# "Jerusalem has vowed"). They stay entities of their own — the city is also just a city — and
# are linked to what they may stand for. A table of facts, extended as real inputs show more.
METONYMS: dict[str, str] = {
    "washington": "United States",
    "white house": "United States",
    "pentagon": "United States",
    "capitol hill": "United States",
    "jerusalem": "Israel",
    "tel aviv": "Israel",
    "tehran": "Iran",
    "moscow": "Russia",
    "kremlin": "Russia",
    "beijing": "China",
    "kyiv": "Ukraine",
    "kiev": "Ukraine",
    "london": "United Kingdom",
    "downing street": "United Kingdom",
    "whitehall": "United Kingdom",
    "paris": "France",
    "elysee": "France",
    "berlin": "Germany",
    "brussels": "European Union",
    "ankara": "Turkey",
    "riyadh": "Saudi Arabia",
    "cairo": "Egypt",
    "damascus": "Syria",
    "beirut": "Lebanon",
    "tokyo": "Japan",
    "seoul": "South Korea",
    "pyongyang": "North Korea",
    "new delhi": "India",
    "islamabad": "Pakistan",
    "ottawa": "Canada",
    "canberra": "Australia",
}


def _clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a leading "the", a trailing possessive and stray punctuation from a mention span."""
    s, e = start, end
    m = _LEADING_THE.match(text[s:e])
    if m and e - (s + m.end()) > 0:
        s += m.end()
    m = _POSSESSIVE.search(text[s:e])
    if m and m.start() > 0:
        e = s + m.start()
    while e > s and not text[e - 1].isalnum() and text[e - 1] not in ")].":
        e -= 1
    # keep the dot of an abbreviation ("U.S."), drop a sentence-final one ("... in Gaza.")
    if e > s and text[e - 1] == "." and not re.search(r"(?:^|[\s.])[A-Z]\.$", text[s:e]):
        e -= 1
    while s < e and not (text[s].isalnum() or text[s] in "(["):
        s += 1
    return s, e


def _is_title_only(words: Sequence[str]) -> bool:
    return all(w.casefold().strip(".") in _TITLE_WORDS for w in words)


def find_mentions(doc: "Doc") -> tuple[Mention, ...]:
    """Named-entity mentions of one parsed article, with spans cleaned (see module docstring)."""
    text = doc.text
    out: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        s, e = _clean_span(text, ent.start_char, ent.end_char)
        if e <= s:
            continue
        surface = text[s:e]
        words = surface.split()
        if not any(ch.isalpha() for ch in surface) or _is_title_only(words):
            continue
        label = ent.label_
        # "Biden-Netanyahu" (a meeting between two people) is not an organisation.
        if label == "ORG" and re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+", surface):
            continue
        # A single lowercase word is a tagging accident, not a name.
        if surface.islower():
            continue
        out.append(Mention(Span(s, e), surface, label))
    return tuple(out)


def canonical_key(name: str) -> str:
    """The key under which two surface forms are the same name (aliases, dots, case, "the")."""
    s = _LEADING_THE.sub("", name.strip())
    s = _POSSESSIVE.sub("", s)
    s = s.replace(".", "").replace("’", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return _ALIASES.get(s, s).casefold()


def _sound_key(word: str) -> str:
    """A rough transliteration key: vowels and doubled letters do not count, y≈i, final h silent."""
    w = word.casefold()
    w = re.sub(r"h$", "", w)
    w = w.replace("y", "i")
    w = re.sub(r"(.)\1+", r"\1", w)
    return w[:1] + re.sub(r"[aeiou]", "", w[1:])


def _same_transliteration(a: str, b: str) -> bool:
    ta, tb = a.split(), b.split()
    if len(ta) < 2 or len(ta) != len(tb) or ta[:-1] != tb[:-1]:
        return False
    la, lb = ta[-1], tb[-1]
    return _sound_key(la) == _sound_key(lb) and difflib.SequenceMatcher(None, la.lower(), lb.lower()).ratio() >= 0.6


def _initialism(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def link_entities(
    mentions_by_article: Mapping[str, Sequence[Mention]],
) -> tuple[tuple[Entity, ...], dict[str, tuple[Mention, ...]]]:
    """Merge the mentions of a story's articles into canonical entities.

    Returns the entities (most mentioned first) and, per article, its mentions with ``entity_id``
    set. Input order of articles does not change the result.
    """
    # 1. group surface forms by canonical key
    forms: dict[str, Counter[str]] = defaultdict(Counter)  # key -> surface form counts
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for ms in mentions_by_article.values():
        for m in ms:
            k = canonical_key(m.text)
            forms[k][m.text] += 1
            labels[k][m.label] += 1

    parent: dict[str, str] = {k: k for k in forms}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            # keep the longer (fuller) name as the root
            if (len(rb.split()), len(rb), rb) > (len(ra.split()), len(ra), ra):
                ra, rb = rb, ra
            parent[rb] = ra

    def kind_of(k: str) -> str:
        c = labels[k]
        return max(c, key=lambda lab: (c[lab] + (0.5 if lab == "PERSON" else 0), lab))

    keys = sorted(forms)
    persons = [k for k in keys if labels[k]["PERSON"] > 0]
    # 2. a surname alone → the one full person name ending with it
    for k in keys:
        if " " in k:
            continue
        full = [p for p in persons if " " in p and p.split()[-1] == k]
        if len(full) == 1 and (labels[k]["PERSON"] > 0 or labels[full[0]]["PERSON"] >= labels[k].total() / 2):
            union(full[0], k)
    # 2b. a one-word organisation name → the one multi-word organisation ending with it
    # ("the Journal" after "the Wall Street Journal")
    orgs = [k for k in keys if " " in k and labels[k]["ORG"] > 0]
    for k in keys:
        if " " in k or labels[k]["PERSON"] > 0:
            continue
        full = [o for o in orgs if o.split()[-1] == k]
        if len(full) == 1:
            union(full[0], k)
    # 3. transliteration variants of full person names
    multi = [p for p in persons if " " in p]
    for i, a in enumerate(multi):
        for b in multi[i + 1 :]:
            if _same_transliteration(a, b):
                union(a, b)
    # 4. initialisms ("WSJ") of a multi-word organisation name that occurs in the story
    by_initials: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        surface = forms[k].most_common(1)[0][0]
        ini = _initialism(_LEADING_THE.sub("", surface))
        if ini:
            by_initials[ini.casefold()].append(k)
    for k in keys:
        cands = by_initials.get(k.replace(" ", ""), [])
        surface = forms[k].most_common(1)[0][0]
        if len(cands) == 1 and surface.isupper() and len(surface) >= 2:
            union(cands[0], k)

    # 5. build entities
    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[find(k)].append(k)
    entities: list[Entity] = []
    key_to_id: dict[str, str] = {}
    counts: dict[str, int] = {}
    for root, members in groups.items():
        surface_counts: Counter[str] = Counter()
        label_counts: Counter[str] = Counter()
        for k in members:
            surface_counts.update(forms[k])
            label_counts.update(labels[k])
        name = _ALIAS_NAMES.get(root) or _display_name(surface_counts)
        # the fullest name decides the kind: "Yoav Gallant" is a person even where the model
        # tagged the possessive "Gallant's" as an organisation
        kind = kind_of(root)
        eid = "e" + text_id(f"{kind}|{canonical_key(name)}", 10)
        aliases = tuple(sorted({s for s in surface_counts if s != name}))
        entities.append(Entity(eid, name, kind, aliases, METONYMS.get(canonical_key(name))))
        counts[eid] = surface_counts.total()
        for k in members:
            key_to_id[k] = eid
    entities.sort(key=lambda e: (-counts[e.id], e.name))
    linked = {
        aid: tuple(
            Mention(m.span, m.text, m.label, key_to_id[canonical_key(m.text)]) for m in ms
        )
        for aid, ms in mentions_by_article.items()
    }
    return tuple(entities), linked


def _display_name(surface_counts: Counter[str]) -> str:
    """The fullest surface form, ties broken by frequency then alphabetically."""
    def score(s: str) -> tuple[int, int, int, str]:
        return (len(s.split()), surface_counts[s], -sum(c == "." for c in s), s)

    return max(surface_counts, key=score)


def mention_entity_ids(mentions: Iterable[Mention], span: Span) -> tuple[str, ...]:
    """Entity ids (or texts when unlinked) of the mentions inside ``span``, in order, no repeats."""
    seen: dict[str, None] = {}
    for m in mentions:
        if span.contains(m.span):
            seen.setdefault(m.entity_id or m.text, None)
    return tuple(seen)
