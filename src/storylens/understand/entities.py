"""Named entities: mentions per article, then one canonical entity table per story.

Per article (:func:`find_mentions`) the spaCy NER output is cleaned: a leading "the" and a
trailing possessive are cut from the span (so "Gallant’s" is the mention "Gallant"), bare title
words that the small model tags as organisations ("Defence", "National Security Advisor") are
dropped, and hyphenated pairs of names ("Biden-Netanyahu") are not taken as one organisation.

Across the articles of a story (:func:`link_entities`) mentions are merged into entities:
country aliases (U.S. / US / United States / America), names with and without diacritics,
variants of one person's full name (:func:`same_person`: "Bill" / "William J." Clinton, "Bibi" /
"Benjamin" Netanyahu — never "Ron" / "Rand" Paul or "Jesse Jackson" / "Jesse Jackson Jr."), a
surname alone to the one person named in full with it ("Gallant" → "Yoav Gallant"; when two
people of the story share it, to the nearest of them in its own article), a surname alone
misspelt by one letter to the one person that close ("Cowen" → "William Cowan"), an initialism
to its expansion when both occur ("WSJ" → "Wall Street Journal"), and transliteration variants
of a full name whose first names agree and whose surnames sound alike ("Ismail Heniyye" /
"Ismail Haniyeh"). The kind of an entity is the
majority label of its fullest name's mentions, with PERSON winning ties because the small model
often tags a person in the possessive as ORG. Metonyms (Washington, Jerusalem, the Pentagon) stay
distinct entities, linked to what they may stand for (``Entity.stands_for``).
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from storylens.model import Entity, Mention, SourceRef, Span, text_id

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = [
    "find_mentions",
    "link_entities",
    "canonical_key",
    "same_person",
    "same_speaker",
    "may_name_one",
    "names_someone",
    "PersonName",
    "ENTITY_LABELS",
    "METONYMS",
]

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


def _fold(text: str) -> str:
    """Without diacritics ("Raúl" → "Raul"), one character for one."""
    return "".join(unicodedata.normalize("NFKD", c)[0] for c in text)


def canonical_key(name: str) -> str:
    """The key under which two surface forms are the same name (aliases, dots, case, "the",
    diacritics)."""
    s = _LEADING_THE.sub("", _fold(name.strip()))
    s = _POSSESSIVE.sub("", s)
    s = s.replace(".", "").replace("’", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return _ALIASES.get(s, s).casefold()


# --- person names ----------------------------------------------------------------------------

# Titles written before a name, dropped when names are compared.
_NAME_TITLES = frozenset(
    """mr mrs ms miss dr sen senator rep representative gov governor president pres vice former
    gen general secretary sec speaker judge justice sheriff rev reverend mayor sir lord lady
    prime minister chancellor congressman congresswoman attorney""".split()
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

# English given names and their common short forms: a table of facts, extended as real inputs
# show more. A short form maps to every full name it abbreviates.
_NICKNAMES: dict[str, frozenset[str]] = {
    short: frozenset(full.split())
    for short, full in {
        "al": "albert alan allen alfred", "alex": "alexander alexandra", "andy": "andrew",
        "abe": "abraham", "ben": "benjamin", "bibi": "benjamin", "bill": "william", "billy": "william",
        "will": "william", "bob": "robert", "bobby": "robert", "rob": "robert", "chris": "christopher christine",
        "chuck": "charles", "charlie": "charles", "dan": "daniel", "danny": "daniel", "dave": "david",
        "dick": "richard", "rick": "richard", "rich": "richard", "don": "donald", "ed": "edward",
        "eddie": "edward", "ted": "edward theodore", "fred": "frederick", "greg": "gregory",
        "hank": "henry", "jack": "john", "jim": "james", "jimmy": "james", "jerry": "gerald jerome",
        "joe": "joseph", "jon": "jonathan", "ken": "kenneth", "larry": "lawrence", "liz": "elizabeth",
        "beth": "elizabeth", "betsy": "elizabeth", "kate": "katherine catherine kathleen",
        "cathy": "catherine", "kathy": "katherine kathleen", "matt": "matthew", "mike": "michael",
        "mick": "michael", "nick": "nicholas", "pat": "patrick patricia", "peggy": "margaret",
        "meg": "margaret", "ron": "ronald", "sam": "samuel samantha", "steve": "steven stephen",
        "sue": "susan", "tim": "timothy", "tom": "thomas", "tony": "anthony", "vince": "vincent",
        "newt": "newton", "jeff": "jeffrey", "gene": "eugene", "frank": "francis franklin",
    }.items()
}


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name split for comparison: folded, without titles and possessives."""

    first: str | None  # None for a surname alone
    middle: tuple[str, ...]
    last: str
    suffix: str | None  # "jr", "sr", "ii" ...

    @classmethod
    def parse(cls, name: str) -> PersonName | None:
        words = [w.strip(".,'’") for w in canonical_key(name).replace("-", " - ").split()]
        words = [w for w in words if w and w != "-"]
        while words and words[0] in _NAME_TITLES and len(words) > 1:
            words = words[1:]
        suffix = None
        while len(words) > 1 and words[-1] in _SUFFIXES:
            suffix = suffix or words[-1]
            words = words[:-1]
        if not words:
            return None
        if len(words) == 1:
            return cls(None, (), words[0], suffix)
        return cls(words[0], tuple(words[1:-1]), words[-1], suffix)


def _same_given(a: str, b: str) -> bool:
    """Two given names that can name one person: equal, an initial of the other, a short form
    ("Bill" / "William"), or the one a prefix of the other ("Chris" / "Christopher")."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if b in _NICKNAMES.get(a, ()) or a in _NICKNAMES.get(b, ()):
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short):
        return True
    return bool(_NICKNAMES.get(a, frozenset()) & _NICKNAMES.get(b, frozenset()))


def same_person(a: str, b: str) -> bool:
    """True when two written names can name one person.

    Names are compared without case, diacritics, titles ("Sen.", "Mr."), dots and possessives.
    The surnames must be the same; given names must agree when both are written (equal, an
    initial, a short form — "Bill" and "William", "Bibi" and "Benjamin" — or a prefix); middle
    names or initials only when both are written ("George H. W. Bush" is not "George W. Bush");
    generational suffixes only when both are written ("Jesse Jackson Jr." is not "Jesse Jackson
    Sr.", while "John G. Roberts Jr." may be written "John Roberts" by another outlet). So "Ron
    Paul" is never "Rand Paul", but "Jesse Jackson" can be either Jesse Jackson, and a surname
    alone anyone with that surname: those are told apart only in context. Use the story's entity
    ids (``SourceRef.entity_id``, set by ``compare.link_story``, which keeps apart "Jesse
    Jackson" and "Jesse Jackson Jr." when one article names both) where they exist, and this
    function where only names are known.
    """
    x, y = PersonName.parse(a), PersonName.parse(b)
    if x is None or y is None or x.last != y.last:
        return False
    if x.suffix and y.suffix and x.suffix != y.suffix:
        return False
    if x.first is None or y.first is None:
        return True
    if not _same_given(x.first, y.first):
        return False
    if x.middle and y.middle and not all(_same_given(m, n) for m, n in zip(x.middle, y.middle)):
        return False
    return True


# Words that say what a speaker is, not who: dropped, with the titles, before two names are
# compared for a disagreement ("CFO Wong Wai Ming" / "Wong Wai Ming", "Sheikh Motlab al Nabet",
# "Spokeswoman Phumla Sekhonyane"), with a body's legal form ("eBay Inc") and the small words
# of a body's name ("Department of Education" / "education department").
_ROLE_WORDS = frozenset(
    """ceo cfo coo cto chairman chairwoman chair spokesman spokeswoman spokesperson sheikh imam
    rabbi father sister brother professor prof director officer manager assistant deputy chief
    inspector detective det sgt sergeant lt lieutenant capt captain col colonel commander king
    queen prince princess pope cardinal bishop minister ambassador counsel lawyer dean
    of the and for inc ltd llc plc corp co corporation company group""".split()
)
# Two spellings of one name token: difflib ratio at or above this ("Dornella" / "Donnell",
# "Conners" / "Conner"; "Mark" / "Mary" is 0.75, "Ron" / "Rand" 0.57).
_SPELLING_RATIO = 0.8


def _name_tokens(name: str) -> list[str]:
    words = [w.strip(".,'’") for w in canonical_key(name).replace("-", " ").split()]
    return [w for w in words if w and w not in _NAME_TITLES and w not in _ROLE_WORDS and w not in _SUFFIXES]


def may_name_one(a: str, b: str) -> bool:
    """True when two written names might name one person, body or place, so that outlets
    crediting a statement to them (or placing it there) need not disagree: :func:`same_person`, or the words of the
    shorter name (titles and roles dropped) all among the longer's, or spelled alike ("Quinton" /
    "Quinton Winter", "Zhang" / "Zhang Hung", "Carla Wood" / "Carla Wood Alcorn", "Ms Clarke-Murphy"
    / "Colleen Clarke-Murphy", "Donnell Conner" / "Dornella Conners", "Department of Education" /
    "Gauteng education department"). Looser than :func:`same_person` on purpose: it only keeps
    a conflict from being claimed. A shorter name with an initial is left to
    :func:`same_person` ("George W. Bush" is not "George H. W. Bush")."""
    if same_person(a, b):
        return True
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return False
    short, long_ = sorted((ta, tb), key=len)
    if any(len(w) == 1 for w in short):
        return False
    return all(
        any(w == v or difflib.SequenceMatcher(None, w, v).ratio() >= _SPELLING_RATIO for v in long_) for w in short
    )


def names_someone(name: str) -> bool:
    """A written source name that says who, not only what ("President", "company" do not)."""
    return any(ch.isupper() for ch in name) and bool(_name_tokens(name))


def same_speaker(a: SourceRef, b: SourceRef) -> bool:
    """True when two speakers can be the same: the same entity of the story when both are linked
    to one; two people by :func:`same_person`; two unnamed sources with the same role and
    affiliation; other named sources (bodies, outlets, documents) by their canonical name."""
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    if a.kind == "anonymous" or b.kind == "anonymous":
        return (a.kind, a.role, a.affiliation) == (b.kind, b.role, b.affiliation)
    if not a.name or not b.name:
        return a.text.casefold() == b.text.casefold()
    if a.kind == "person" and b.kind == "person":
        return same_person(a.name, b.name)
    return canonical_key(a.name) == canonical_key(b.name)


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
    # 1. group surface forms by canonical key; a surname alone that two people of the story
    # share goes to the nearest of them named in full in its own article
    assigned = _contextual_keys(mentions_by_article)
    forms: dict[str, Counter[str]] = defaultdict(Counter)  # key -> surface form counts
    labels: dict[str, Counter[str]] = defaultdict(Counter)  # own key -> label counts
    for aid, ms in mentions_by_article.items():
        for m, k in zip(ms, assigned[aid]):
            forms[k][m.text] += 1
            labels[canonical_key(m.text)][m.label] += 1

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
    full_persons = [p for p in persons if (PersonName.parse(p) or _NO_NAME).first is not None]
    # 2. variants of one full name: "Bill Clinton" / "William J. Clinton", "Raúl R. Labrador" /
    # "Raul Labrador", never "Rand Paul" / "Ron Paul" or "Jesse Jackson" / "Jesse Jackson Jr."
    members: dict[str, list[str]] = {}
    together = _named_together(mentions_by_article)
    for i, a in enumerate(full_persons):
        for b in full_persons[i + 1 :]:
            ra, rb = find(a), find(b)
            if ra == rb or not same_person(a, b):
                continue
            if (a, b) in together and _suffix(a) != _suffix(b):
                continue  # one article names "Jesse Jackson" and "Jesse Jackson Jr.": two people
            group = members.get(ra, [ra]) + members.get(rb, [rb])
            if all(same_person(x, y) for j, x in enumerate(group) for y in group[j + 1 :]):
                union(a, b)
                members[find(a)] = group
    # 2b. a surname alone → the one person (after 2) named in full with that surname
    for k in keys:
        if " " in k:
            continue
        full = sorted({find(p) for p in full_persons if (PersonName.parse(p) or _NO_NAME).last == k})
        if len(full) == 1 and (labels[k]["PERSON"] > 0 or labels[full[0]]["PERSON"] >= labels[k].total() / 2):
            union(full[0], k)
    # 2c. a surname alone misspelt by one letter ("Cowen" for William Cowan), when only one
    # person of the story has a surname that close
    surnames = {k: (PersonName.parse(k) or _NO_NAME).last for k in full_persons}
    for k in keys:
        if " " in k or labels[k]["PERSON"] == 0 or len(k) < _TYPO_MIN_LEN or k in surnames.values():
            continue
        near = {find(p) for p, last in surnames.items() if len(last) >= _TYPO_MIN_LEN and _one_edit(k, last)}
        if len(near) == 1:
            union(near.pop(), k)
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
        aid: tuple(Mention(m.span, m.text, m.label, key_to_id[k]) for m, k in zip(ms, assigned[aid]))
        for aid, ms in mentions_by_article.items()
    }
    return tuple(entities), linked


_NO_NAME = PersonName(None, (), "", None)
# Surnames this long or longer may be matched across one wrong letter.
_TYPO_MIN_LEN = 5


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one substituted, inserted or deleted letter (not the first)."""
    if a == b or abs(len(a) - len(b)) > 1 or a[:1] != b[:1]:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _suffix(key: str) -> str | None:
    return (PersonName.parse(key) or _NO_NAME).suffix


def _named_together(mentions_by_article: Mapping[str, Sequence[Mention]]) -> set[tuple[str, str]]:
    """Pairs of full person-name keys (both orders) that one article names both."""
    out: set[tuple[str, str]] = set()
    for ms in mentions_by_article.values():
        keys = sorted({canonical_key(m.text) for m in ms if m.label == "PERSON" and " " in m.text.strip()})
        out.update((a, b) for a in keys for b in keys if a != b)
    return out


def _contextual_keys(mentions_by_article: Mapping[str, Sequence[Mention]]) -> dict[str, list[str]]:
    """The key of every mention: its canonical key, except a surname alone that two people of
    the story share (Ron and Rand Paul, Jesse Jackson and Jesse Jackson Jr.), which takes the key
    of the nearest of them named in full before it in its article (else after it)."""
    full: dict[str, set[str]] = defaultdict(set)  # surname -> full name keys in the story
    for ms in mentions_by_article.values():
        for m in ms:
            name = PersonName.parse(m.text) if m.label == "PERSON" else None
            if name is not None and name.first is not None:
                full[name.last].add(canonical_key(m.text))
    shared = {
        last for last, keys in full.items()
        if any(not same_person(a, b) for a in keys for b in keys if a < b)
    }
    out: dict[str, list[str]] = {}
    for aid, ms in mentions_by_article.items():
        named = [
            (m.span.start, canonical_key(m.text), (PersonName.parse(m.text) or _NO_NAME).last)
            for m in ms
            if m.label == "PERSON" and (PersonName.parse(m.text) or _NO_NAME).first is not None
        ]
        keys = []
        for m in ms:
            k = canonical_key(m.text)
            if " " not in k and k in shared and m.label in {"PERSON", "ORG"}:
                same = [(start, key) for start, key, last in named if last == k]
                before = [x for x in same if x[0] < m.span.start]
                if before or same:
                    k = max(before)[1] if before else min(same)[1]
            keys.append(k)
        out[aid] = keys
    return out


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
