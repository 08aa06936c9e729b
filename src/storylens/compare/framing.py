"""Framing: how the outlets of one story word the same things differently.

Two kinds of :class:`FramingNote`, each pointing at the exact characters that show it:

``naming``
    (a) Within a fact reported by two or more outlets, the content word each outlet uses in the
    same grammatical role: the action (the clause's main verb), the actor (its subject, or the
    "by" phrase of a passive) and the object (its direct object, or the subject of a passive).
    The seeds' "Netanyahu has vetoed Gallant's planned visit" / "Netanyahu nixed Gallant's
    trip" give "vetoed" / "nixed" and "visit" / "trip". The roles are read from the article's
    own parse (kept by the understand stage), restricted to the claim's tokens. A difference counts only when the two claims agree on another role (the same
    actor doing a differently named action), so loosely aligned sentences give no notes.

    (b) One entity named differently: an outlet uses a name for it that the others never use
    ("the Islamic Republic" for Iran), or describes it with a loaded word the others do not use
    ("Tehran's terror proxies Hamas"). Short forms, initialisms and spelling variants
    ("Gallant" / "Yoav Gallant", "US" / "U.S.", "Heniyye" / "Haniyeh") and title words
    ("Defence Minister") are not differences.

``distinctive``
    Per outlet, the words and two-word phrases most distinctive of it in this story, by the
    weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
    "Fightin' Words"), the prior being the whole story's counts.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from storylens.model import Article, Claim, ClaimRef, Entity, Fact, FramingNote, Mention, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as TokenSpan

__all__ = [
    "role_fillers",
    "claim_tokens",
    "RoleFiller",
    "framing_notes",
    "naming_notes",
    "entity_naming_notes",
    "distinctive_notes",
    "weighted_log_odds",
    "term_occurrences",
    "Occurrence",
    "Z_THRESHOLD",
    "MAX_TERMS",
    "PRIOR_SIZE",
    "LOADED_WORDS",
]

log = logging.getLogger(__name__)

# Only over-use is asked about (is this term more an outlet's than the story's?), so the cut is
# the one-sided 5 % level of a standard normal, z = 1.645: below it a term is within what the
# story's own word distribution lets an outlet use by chance. It is a filter, not a test (many
# terms are scored), hence also the cap per outlet: 8 terms fit one line of a report.
Z_THRESHOLD = 1.645
MAX_TERMS = 8
# Size of the Dirichlet prior relative to the story's token count (alpha_0 = PRIOR_SIZE * N).
# The prior is the story itself, outlet included, so a prior as large as the story (1.0) counts
# the evidence twice and flattened everything: on the seed pair (570 and 433 words) the top z
# was 2.2. At 0.1 the seeds' top terms are "us" (used 19x by one outlet, z 2.9) and "tuesday"
# (6x, z 2.0); at 0.01 the ranking filled with frequent names ("israel", "netanyahu"). With a
# few hundred words per outlet (the demo corpus), no term reaches the threshold: the scores say
# such texts are too short to call a word an outlet's habit, and no note is better than noise.
PRIOR_SIZE = 0.1

# Verbs that only say who said something: "said" / "told" are attribution, not framing.
_REPORTING = frozenset(
    {"say", "tell", "report", "state", "add", "announce", "cite", "note", "write", "indicate", "accord", "describe"}
)
_ROLES = ("action", "actor", "object")
_ROLE_POS = {"action": frozenset({"VERB"}), "actor": frozenset({"NOUN"}), "object": frozenset({"NOUN"})}

# Evaluative descriptors that, put before an entity's name by one outlet and not by others, are
# a framing choice rather than a job title. Kept short and unambiguous on purpose: a neutral
# descriptor one outlet adds ("passenger ferry", "chief executive") is not a note.
LOADED_WORDS = frozenset(
    {
        "terror", "terrorist", "terrorists", "proxy", "proxies", "militant", "militants", "extremist",
        "extremists", "radical", "regime", "hardline", "hardliner", "jihadist", "rogue", "puppet",
        "thug", "thugs", "mob", "rioter", "rioters", "insurgent", "insurgents", "occupier", "occupiers",
        "dictator", "warlord", "so-called", "notorious", "embattled", "disgraced", "controversial",
        "far-right", "far-left", "iran-backed", "russia-backed", "separatist", "separatists",
    }
)

# Enough context before a mention to hold a descriptor ("Tehran's terror proxies" is 23 chars).
_WINDOW = 80
# Descriptors are compared for things with names; a nationality ("senior Israeli officials")
# is itself a modifier, and what precedes it is not a description of the nation.
_DESCRIBED_KINDS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_WINDOW_CUT = re.compile(r"[.!?;:()\[\]\"“”\n,—–]")
# dotted initialisms first, so that "U.S." is the word "us" like "US", not two letters
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z][A-Za-z’'\-]*[A-Za-z]|[A-Za-z]")
_POSSESSIVE = re.compile(r"[’']s?$")
_PREV_WORD = re.compile(r"([A-Za-z][A-Za-z’'\-]*)\s+$")
_BIGRAM_GAP = re.compile(r"^[ \t\-]+$")


def _ref(article: Article, span: Span, claim_id: str | None = None) -> ClaimRef:
    return ClaimRef(article.id, article.outlet.name, span, article.text[span.start : span.end], claim_id)


def _claim_at(claims: Sequence[Claim], span: Span) -> str | None:
    for c in claims:
        if c.span.contains(span):
            return c.id
    return None


# --- (a) naming within a fact --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleFiller:
    """The word filling a role in one claim, and what it is about."""

    ref: ClaimRef  # the word itself, with its span in the article
    lemma: str
    pos: str
    entities: frozenset[str]  # entity ids mentioned in the word's phrase


def claim_tokens(doc: "Doc", claim: ClaimRef) -> "TokenSpan | None":
    """The tokens of ``claim`` in its article's parse (None if the span cuts no token)."""
    return doc.char_span(claim.span.start, claim.span.end, alignment_mode="expand")


def _clause_head(tokens: "TokenSpan") -> "Token | None":
    if not len(tokens):
        return None
    # a claim that is one clause of a sentence has no root of its own: its highest token heads it
    head = next((t for t in tokens if t.dep_ == "ROOT"), None) or tokens.root
    # "X reported that Y happened": the framing is in what happened, not in "reported"
    for _ in range(2):
        if head.lemma_.lower() in _REPORTING:
            inner = [
                c for c in head.children
                if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX") and tokens.start <= c.i < tokens.end
            ]
            if inner:
                head = inner[0]
                continue
        break
    return head


def _role_tokens(head: "Token", tokens: "TokenSpan") -> dict[str, "Token"]:
    out: dict[str, Token] = {}
    if head.pos_ == "VERB":
        out["action"] = head
    for c in head.children:
        if not tokens.start <= c.i < tokens.end:
            continue  # the other clause of a sentence split into claims
        if c.dep_ == "nsubj":
            out.setdefault("actor", c)
        elif c.dep_ == "dobj":
            out.setdefault("object", c)
        elif c.dep_ == "nsubjpass":
            out.setdefault("object", c)
        elif c.dep_ == "agent":
            pobj = [g for g in c.children if g.dep_ == "pobj"]
            if pobj:
                out.setdefault("actor", pobj[0])
    return out


def role_fillers(doc: "Doc", claim: ClaimRef, article: Article, mentions: Sequence[Mention]) -> dict[str, RoleFiller]:
    """The action, actor and object of ``claim`` read from its article's parse ``doc``."""
    if article.text[claim.span.start : claim.span.end] != claim.text:
        log.debug("claim %s text does not match its span; skipped", claim.claim_id)
        return {}
    tokens = claim_tokens(doc, claim)
    head = _clause_head(tokens) if tokens is not None else None
    # a claim that is only an attribution ("The report notes growing frustration") names who
    # said it, not what happened: its roles are not comparable with a plain statement's
    if tokens is None or head is None or head.lemma_.lower() in _REPORTING:
        return {}
    out: dict[str, RoleFiller] = {}
    for role, tok in _role_tokens(head, tokens).items():
        start = tok.idx
        end = start + len(tok.text)
        # a verb's adjacent particle is part of the word choice ("called off", "ruled out")
        prt = [c for c in tok.children if c.dep_ == "prt" and c.i == tok.i + 1]
        if role == "action" and prt:
            end = prt[0].idx + len(prt[0].text)
        sub = Span(
            max(claim.span.start, tok.left_edge.idx),
            min(claim.span.end, tok.right_edge.idx + len(tok.right_edge.text)),
        )
        # a verb's phrase is the whole clause: it would "share" every entity of the sentence
        ents = (
            frozenset()
            if role == "action"
            else frozenset(m.entity_id for m in mentions if m.entity_id and sub.contains(m.span))
        )
        lemma = tok.lemma_.lower() + (" " + prt[0].lemma_.lower() if role == "action" and prt else "")
        out[role] = RoleFiller(_ref(article, Span(start, end), claim.claim_id), lemma, tok.pos_, ents)
    return out


def _agree(a: dict[str, RoleFiller], b: dict[str, RoleFiller], role: str) -> bool:
    """Two claims agree on ``role``: same lemma, or phrases naming a shared entity."""
    fa, fb = a.get(role), b.get(role)
    if fa is None or fb is None:
        return False
    return fa.lemma == fb.lemma or bool(fa.entities & fb.entities)


def naming_notes(
    facts: Sequence[Fact],
    articles: Mapping[str, Article],
    mentions_by_article: Mapping[str, Sequence[Mention]],
    docs: Mapping[str, "Doc"],
) -> tuple[FramingNote, ...]:
    """Naming notes of kind (a): per fact, the words outlets use in the same role (see module).

    ``docs`` are the parses of the articles, by article id."""
    multi = [f for f in facts if len({c.outlet for c in f.claims}) > 1]
    notes: list[FramingNote] = []
    for fact in multi:
        filled = [
            (c, role_fillers(docs[c.article_id], c, articles[c.article_id], mentions_by_article.get(c.article_id, ())))
            for c in fact.claims
            if c.article_id in articles and c.article_id in docs
        ]
        for role in _ROLES:
            have = [
                (c, f)
                for c, f in filled
                if role in f and f[role].pos in _ROLE_POS[role] and f[role].ref.text[:1].isalpha()
            ]
            lemmas = {f[role].lemma for _, f in have}
            if len(lemmas) < 2 or (role == "action" and lemmas <= _REPORTING):
                continue
            others = [r for r in _ROLES if r != role]
            anchored: set[int] = set()
            for i, (ci, fi) in enumerate(have):
                for j, (cj, fj) in enumerate(have):
                    if j <= i or ci.outlet == cj.outlet or fi[role].lemma == fj[role].lemma:
                        continue
                    if any(_agree(fi, fj, r) for r in others):
                        anchored.update((i, j))
            kept = [have[k] for k in sorted(anchored)]
            if len({f[role].lemma for _, f in kept}) < 2 or len({c.outlet for c, _ in kept}) < 2:
                continue
            words: dict[str, list[ClaimRef]] = {}
            for _, f in kept:
                words.setdefault(f[role].lemma, []).append(f[role].ref)
            parts = []
            for uses in words.values():
                outlets = ", ".join(dict.fromkeys(u.outlet for u in uses))
                parts.append(f"“{uses[0].text}” ({outlets})")
            notes.append(
                FramingNote(
                    kind="naming",
                    detail=f"same {role}, different words: " + " / ".join(parts),
                    uses=tuple(u for uses in words.values() for u in uses),
                    term=" / ".join(uses[0].text for uses in words.values()),
                    fact_id=fact.id,
                )
            )
    return tuple(notes)


# --- (b) one entity, different names -------------------------------------------------------------


def _norm_form(text: str) -> str:
    t = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return _POSSESSIVE.sub("", t.replace(".", "")).casefold()


def _equivalent_forms(a: str, b: str) -> bool:
    """Short forms, initialisms and spelling variants of one name are the same name."""
    x, y = _norm_form(a), _norm_form(b)
    if x == y:
        return True
    wx, wy = set(x.split()), set(y.split())
    if wx and wy and (wx <= wy or wy <= wx):
        return True
    for short, long_ in ((x, y), (y, x)):
        words = long_.split()
        if len(words) > 1 and short.replace(" ", "") == "".join(w[0] for w in words):
            return True
    # transliterations and British/US spellings: "Heniyye"/"Haniyeh", "Defence"/"Defense"
    if len(x.split()) == len(y.split()) and all(_skeleton(p) == _skeleton(q) for p, q in zip(x.split(), y.split())):
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= 0.75


def _skeleton(word: str) -> str:
    """A word's consonant outline: its first letter, then consonants, y as a vowel, a final h
    and doubled letters dropped ("heniyye" and "haniyeh" are both "hn")."""
    w = re.sub(r"(.)\1+", r"\1", word.rstrip("h") or word)
    return w[:1] + re.sub(r"[aeiouy]", "", w[1:])


def _form_classes(forms: Iterable[str]) -> dict[str, int]:
    """Each form -> its class: forms joined by any chain of equivalences ("Journal" ~ "Wall
    Street Journal" ~ "WSJ") are one class."""
    distinct = sorted(set(forms))
    parent = list(range(len(distinct)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            if _equivalent_forms(distinct[i], distinct[j]):
                parent[find(j)] = find(i)
    return {f: find(k) for k, f in enumerate(distinct)}


@dataclass(frozen=True, slots=True)
class _Use:
    article: Article
    span: Span  # the name as written
    descriptor: Span | None = None  # the descriptor and the name ("Tehran's terror proxies Hamas")
    words: frozenset[str] = frozenset()  # lower-case descriptor words (lemmas)
    head: str | None = None  # the descriptor's last word when a lower-case noun ("leader")


def _entity_uses(
    entity: Entity, articles: Sequence[Article], mentions_by_article: Mapping[str, Sequence[Mention]]
) -> list[_Use]:
    """Every place the entity is named: its linked mentions, plus whole-word occurrences of its
    names that the recognizer missed (so an outlet is not taken as silent about it)."""
    uses: list[_Use] = []
    forms = sorted({entity.name, *entity.aliases}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms if f) + r")(?![\w-])")
    for a in articles:
        spans = [m.span for m in mentions_by_article.get(a.id, ()) if m.entity_id == entity.id]
        for m in pattern.finditer(a.text):
            s = Span(m.start(), m.end())
            if not any(s.overlaps(x) for x in spans):
                spans.append(s)
        uses.extend(_Use(a, s) for s in sorted(spans))
    return uses


def _describe(uses: list[_Use], docs: Mapping[str, "Doc"]) -> list[_Use]:
    """Add the descriptor words right before each name, read from the article's tagged words
    in a short window before it."""
    stop = _stopwords()
    starts: dict[str, list[int]] = {}
    out: list[_Use] = []
    for u in uses:
        lo = max(0, u.span.start - _WINDOW)
        before = u.article.text[lo : u.span.start]
        cut = max((m.end() for m in _WINDOW_CUT.finditer(before)), default=0)
        # most names follow "the", "of", "and" or punctuation: nothing to read there
        prev = _PREV_WORD.search(before[cut:])
        doc = docs.get(u.article.id)
        if prev is None or prev.group(1).lower() in stop or doc is None:
            out.append(u)
            continue
        if u.article.id not in starts:
            starts[u.article.id] = [t.idx for t in doc]
        idx = starts[u.article.id]
        first_i = bisect.bisect_left(idx, u.span.start)  # the first token at or after the name
        window_i = bisect.bisect_left(idx, lo + cut)
        if first_i >= len(idx):
            out.append(u)
            continue
        run: list[Token] = []
        for t in reversed(doc[window_i:first_i]):
            if t.pos_ in ("NOUN", "PROPN", "ADJ") or (t.pos_ == "PART" and t.text in ("’s", "'s")):
                run.append(t)
            else:
                break
        run.reverse()
        # a capitalised common word opening the run opens the sentence ("Yesterday Hezbollah
        # leader ..."): it is not part of the description
        while run and run[0].pos_ != "PROPN" and not run[0].text[:1].islower():
            run.pop(0)
        if not run:
            out.append(u)
            continue
        words = frozenset(
            t.lemma_.lower() for t in run if t.pos_ in ("NOUN", "ADJ") and t.text[:1].islower() and t.is_alpha
        )
        last = run[-1]
        head = last.lemma_.lower() if last.pos_ == "NOUN" and last.text[:1].islower() else None
        out.append(_Use(u.article, u.span, Span(run[0].idx, u.span.end), words, head))
    order = {(u.article.id, u.span): k for k, u in enumerate(uses)}
    return sorted(out, key=lambda u: order[(u.article.id, u.span)])


def entity_naming_notes(
    entities: Sequence[Entity],
    articles: Sequence[Article],
    mentions_by_article: Mapping[str, Sequence[Mention]],
    docs: Mapping[str, "Doc"],
) -> tuple[FramingNote, ...]:
    """Naming notes of kind (b): an entity named or described differently by different outlets."""
    notes: list[FramingNote] = []
    for entity in entities:
        uses = _entity_uses(entity, articles, mentions_by_article)
        by_outlet: dict[str, list[_Use]] = defaultdict(list)
        for u in uses:
            by_outlet[u.article.outlet.name].append(u)
        if len(by_outlet) < 2:
            continue
        # other names: a class of forms some mentioning outlet never uses
        cls = _form_classes(u.article.text[u.span.start : u.span.end] for u in uses)
        used = {o: {cls[u.article.text[u.span.start : u.span.end]] for u in us} for o, us in by_outlet.items()}
        common = set.intersection(*used.values())
        odd = set.union(*used.values()) - common
        if odd and common:
            shown = [u for u in uses if cls[u.article.text[u.span.start : u.span.end]] in odd]
            names = list(dict.fromkeys(u.article.text[u.span.start : u.span.end] for u in shown))
            contrast = [us[0] for o, us in by_outlet.items() if not used[o] & odd]
            who = ", ".join(dict.fromkeys(u.article.outlet.name for u in shown))
            notes.append(
                FramingNote(
                    kind="naming",
                    detail=f"{entity.name} is also called " + " / ".join(f"“{n}”" for n in names)
                    + f" by {who}",
                    uses=tuple(_ref(u.article, u.span) for u in [*shown, *contrast]),
                    term=" / ".join([*names, entity.name]),
                    entity_id=entity.id,
                )
            )
        if entity.kind in _DESCRIBED_KINDS:
            note = _descriptor_note(entity, _describe(uses, docs))
            if note is not None:
                notes.append(note)
    return tuple(notes)


def _descriptor_note(entity: Entity, uses: list[_Use]) -> FramingNote | None:
    words: dict[str, set[str]] = defaultdict(set)
    heads: dict[str, set[str]] = defaultdict(set)
    for u in uses:
        words[u.article.outlet.name] |= u.words
        if u.head:
            heads[u.article.outlet.name].add(u.head)
    outlets = list(words)
    all_words = set().union(*words.values())
    loaded = {w for w in all_words if w in LOADED_WORDS and any(w not in ws for ws in words.values())}
    # "Hezbollah leader" / "Hezbollah chief": two outlets put different nouns before the name
    differing = len(heads) >= 2 and len({frozenset(h) for h in heads.values()}) > 1
    if entity.kind == "PERSON" and not loaded:
        # one outlet giving a person's job and another not is routine; two different
        # descriptions of the same person are worth showing
        if not differing:
            return None
    elif not loaded and not differing:
        return None
    shown = [u for u in uses if u.descriptor is not None and (u.words & loaded or (differing and u.head))]
    plain = [us for o in outlets if not words[o] for us in [next(u for u in uses if u.article.outlet.name == o)]]
    if not shown:
        return None
    phrases = list(dict.fromkeys(u.article.text[u.descriptor.start : u.descriptor.end] for u in shown))
    who = ", ".join(dict.fromkeys(u.article.outlet.name for u in shown))
    detail = f"{entity.name} is described as " + " / ".join(f"“{p}”" for p in phrases) + f" by {who}"
    if plain:
        plain_outlets = list(dict.fromkeys(u.article.outlet.name for u in plain))
        detail += "; " + ", ".join(plain_outlets) + (" names" if len(plain_outlets) == 1 else " name") + " it plainly"
    return FramingNote(
        kind="naming",
        detail=detail,
        uses=tuple(
            [_ref(u.article, u.descriptor) for u in shown if u.descriptor is not None]
            + [_ref(u.article, u.span) for u in plain]
        ),
        term=" / ".join(phrases),
        entity_id=entity.id,
    )


# --- distinctive terms ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Occurrence:
    term: str
    span: Span


def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def term_occurrences(text: str, stopwords: frozenset[str]) -> list[Occurrence]:
    """Unigrams and bigrams of ``text``: lower-cased words without stopwords, possessives cut.

    A bigram is two such words separated only by spaces or a hyphen ("containment boom"); its
    span runs from the first word's start to the second's end. Acronyms in capitals ("US") are
    kept even when their lower-case form is a stopword.
    """
    words: list[tuple[str, Span] | None] = []
    last_end = 0
    for m in _WORD.finditer(text):
        raw = m.group()
        cut = _POSSESSIVE.search(raw) if len(raw) > 2 and not raw.endswith(".") else None
        end = m.end() - (len(cut.group()) if cut and cut.group() else 0)
        word = text[m.start() : end]
        gap = text[last_end : m.start()]
        if words and not _BIGRAM_GAP.match(gap or " "):
            words.append(None)  # punctuation between: no bigram across it
        last_end = m.end()
        low = word.lower().replace(".", "")
        if (low in stopwords and not (word.isupper() and len(word) > 1)) or len(word) < 2:
            words.append(None)
            continue
        words.append((low, Span(m.start(), end)))
    out: list[Occurrence] = []
    for k, w in enumerate(words):
        if w is None:
            continue
        out.append(Occurrence(w[0], w[1]))
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is not None and _BIGRAM_GAP.match(text[w[1].end : nxt[1].start] or "x"):
            out.append(Occurrence(f"{w[0]} {nxt[0]}", Span(w[1].start, nxt[1].end)))
    return out


def weighted_log_odds(
    counts: Mapping[str, Counter[str]], prior_size: float = PRIOR_SIZE
) -> dict[str, dict[str, float]]:
    """z-scores of every term for every group against all other groups (Monroe et al. 2008).

    With y_w^i the count of term w in group i, y_w^j its count in the other groups, n their
    totals, and the informative Dirichlet prior alpha_w = alpha_0 * y_w / N taken from the
    whole story (alpha_0 = ``prior_size`` * N):

        delta_w = log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
        z_w = delta_w / sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
    """
    total: Counter[str] = Counter()
    for c in counts.values():
        total.update(c)
    n_all = sum(total.values())
    if n_all == 0:
        return {g: {} for g in counts}
    a0 = prior_size * n_all
    out: dict[str, dict[str, float]] = {}
    for group, c in counts.items():
        n_i = sum(c.values())
        n_j = n_all - n_i
        scores: dict[str, float] = {}
        for w, y in total.items():
            a_w = a0 * y / n_all
            y_i = c.get(w, 0)
            y_j = y - y_i
            delta = math.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - math.log((y_j + a_w) / (n_j + a0 - y_j - a_w))
            scores[w] = delta / math.sqrt(1.0 / (y_i + a_w) + 1.0 / (y_j + a_w))
        out[group] = scores
    return out


def distinctive_notes(
    articles: Sequence[Article],
    claims_by_article: Mapping[str, Sequence[Claim]],
    *,
    z_threshold: float = Z_THRESHOLD,
    max_terms: int = MAX_TERMS,
    prior_size: float = PRIOR_SIZE,
) -> tuple[FramingNote, ...]:
    """Per outlet, up to ``max_terms`` terms with z above ``z_threshold`` (none for one outlet)."""
    outlets = list(dict.fromkeys(a.outlet.name for a in articles))
    if len(outlets) < 2:
        return ()
    stop = _stopwords()
    occ: dict[str, list[tuple[Article, Occurrence]]] = {o: [] for o in outlets}
    counts: dict[str, Counter[str]] = {o: Counter() for o in outlets}
    for a in articles:
        # an outlet naming itself ("told Harbour FM") is a sign-off, not a word choice
        own = {w.lower() for w in _WORD.findall(a.outlet.name)}
        for o in term_occurrences(a.text, stop):
            if set(o.term.split()) <= own:
                continue
            occ[a.outlet.name].append((a, o))
            counts[a.outlet.name][o.term] += 1
    z = weighted_log_odds(counts, prior_size)
    notes: list[FramingNote] = []
    for outlet in outlets:
        ranked = sorted(
            (t for t in counts[outlet] if z[outlet][t] > z_threshold), key=lambda t: (-z[outlet][t], t)
        )
        kept: list[tuple[str, list[tuple[Article, Occurrence]]]] = []
        taken: list[tuple[str, Span]] = []
        for term in ranked:
            if len(kept) >= max_terms:
                break
            uses = [(a, o) for a, o in occ[outlet] if o.term == term]
            # a word inside a kept phrase ("gannet" in "gannet ledge") says nothing new
            if all(any(aid == a.id and s.overlaps(o.span) for aid, s in taken) for a, o in uses):
                continue
            kept.append((term, uses))
            taken.extend((a.id, o.span) for a, o in uses)
        for key, uses in kept:
            score = round(z[outlet][key], 3)
            # shown as the outlet writes it most often ("US", not the counting key "us")
            term = Counter(a.text[o.span.start : o.span.end] for a, o in uses).most_common(1)[0][0]
            notes.append(
                FramingNote(
                    kind="distinctive",
                    detail=f"“{term}” is distinctive of {outlet} in this story "
                    f"(used {len(uses)}×, weighted log-odds z = {score:.2f})",
                    uses=tuple(
                        _ref(a, o.span, _claim_at(claims_by_article.get(a.id, ()), o.span)) for a, o in uses
                    ),
                    outlet=outlet,
                    term=term,
                    score=score,
                )
            )
    return tuple(notes)


# --- all together --------------------------------------------------------------------------------


def framing_notes(
    facts: Sequence[Fact],
    claims_by_id: Mapping[str, Claim],
    articles: Mapping[str, Article],
    entities: Sequence[Entity],
    mentions_by_article: Mapping[str, Sequence[Mention]],
    *,
    docs: Mapping[str, "Doc"] | None = None,
    z_threshold: float = Z_THRESHOLD,
    max_terms: int = MAX_TERMS,
) -> tuple[FramingNote, ...]:
    """Naming notes (per fact, then per entity) followed by distinctive terms per outlet.

    ``docs`` are the articles' parses by article id (the roles of claims and the words before
    entity names are read from them); articles without one are parsed with the installed
    default pipeline. A story with one outlet has no notes. Every use's span slices its
    article's text to exactly the use's text.
    """
    arts = list(articles.values())
    if len({a.outlet.name for a in arts}) < 2:
        return ()
    docs = dict(docs or {})
    if any(a.id not in docs for a in arts):
        from storylens.understand.nlp import get_nlp

        nlp = get_nlp()
        docs.update((a.id, nlp(a.text)) for a in arts if a.id not in docs)
    claims_by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims_by_id.values():
        claims_by_article[c.article_id].append(c)
    notes = [
        *naming_notes(facts, articles, mentions_by_article, docs),
        *entity_naming_notes(entities, arts, mentions_by_article, docs),
        *distinctive_notes(arts, claims_by_article, z_threshold=z_threshold, max_terms=max_terms),
    ]
    log.debug("%d framing notes", len(notes))
    return tuple(notes)
