"""Sourcing: who each statement of an article is attributed to, as :class:`SourceRef` objects.

Input is a spaCy ``Doc`` parsed from ``Article.text``; every returned span indexes that text.

An attribution is found at a *cue*: a speech or reporting verb ("said", "told", "reported",
"stated", "announced" ...), "according to", or "citing"; an "-ing" form the tagger took for a
noun counts as its verb when it has a subject ("with one reader asking, “...”"). The phrase the
cue points at is classified:

- ``person``: a named person; ``name`` is the name without its title, ``role`` the title
  ("Pentagon spokesperson Sabrina Singh" → name "Sabrina Singh", role "Pentagon spokesperson").
  A subject pronoun ("he", "she") is resolved to the most salient person of the last few
  sentences, outside quotations and agreeing with an honorific's gender (``_resolve_pronouns``). A person named in
  apposition to a role noun is that person ("A spokesman for the party, Brad Woodhouse" → name
  "Brad Woodhouse", role "spokesman for the party"); a definite office title ("the governor")
  is the person named earlier with that title ("Gov. Alma Rooke", "Rep." for "the
  congressman"), else, like a pronoun, the most salient person before it.
- ``anonymous``: an unnamed source ("three US officials", "a Netanyahu aide", "a person familiar
  with the matter") with ``count`` ("a"/"an"/"one" and singular nouns → 1, digits and number
  words → their value, "several"/"multiple"/"some" and bare plurals → None; the quantifier word is
  left out of ``role``), ``role`` (the head noun in the singular, plus a "familiar with ..."
  complement; seniority words like "senior" are left out), ``affiliation`` (normalised:
  U.S./US/American/United States → "US", Israel → "Israeli"; other modifiers kept as written,
  e.g. "Netanyahu", "Biden administration", "Hebrew") and ``via`` (the outlet they spoke to).
- ``outlet``: a news organisation, by position (the object of "told"/"spoke to", the subject of
  "reported", the author of "a report by ...", the subject of a clause with "citing ...") or by
  name (a small list of words such as News, Journal, Channel, Reuters). Names drop a leading
  "the"; a short form resolves to an outlet named earlier in the article when it is that outlet's
  last word ("the Journal" → "Wall Street Journal") or its initialism ("WSJ").
- ``media``: unspecified press ("Hebrew media reports", "reports indicate"). The affiliation is
  the modifier as written: "Hebrew media" stays "Hebrew", because the text names a language, and
  mapping it to "Israeli" would be an inference that the article's characters do not ground.
- ``organization``: a named body that is not an outlet ("the White House said"). "The group" or
  "the campaign" is the body named in the last few sentences (for "the campaign", one whose name
  ends in "campaign"), the subject of a clause before one named in passing; the same holds for
  a document's author ("The group drafted a resolution").
- ``document``: a statement, letter, ad, lawsuit, indictment ... that speaks ("the letter
  states", "the indictment recounts"); ``role`` is its kind and ``name`` its author when the
  text gives one: in the phrase ("a statement from X", "X's ad", "the NAACP resolution"), as the
  subject of the verb that put it out ("Romney released a statement", "The campaign retorted with
  an ad"), or, for "the letter", as the author of the latest earlier document of that kind.

Anonymous sources without a ``via`` take the outlet that frames their sentence ("According to a
report by the WSJ, US officials have stated ..."; "Citing two Israeli officials, Axios
reported"). A definite bare reference ("the officials", "The official") copies count,
affiliation and via from the latest earlier anonymous source with the same role and number.

A participle ("..., saying ...") shares the subject of the clause it hangs on, one that modifies
a noun has that noun as subject ("a resolution condemning ..."), and "who" in a relative clause
stands for the noun it modifies.

Not emitted: a report ("according to the report", "the report notes"; resolving it to the
outlet that wrote it is left to the story level), subjects "they"/"it", verbs without a
subject (passives such as "it was reported"), and "asked X to do Y" (a request, not a statement).
"cited"/"citing" count only when their object is itself a source, not an event.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from storylens.model import SourceRef, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = [
    "find_sources",
    "source_of_cue",
    "SourceContext",
    "is_speech_verb",
    "verb_lemma",
    "normalize_affiliation",
    "parse_count",
    "SPEECH_LEMMAS",
    "MarkedQuote",
    "quote_marks",
]

log = logging.getLogger(__name__)

# Verbs that attribute a statement to their subject. Chosen from the attribution verbs seen in
# the seed articles plus the common newswire set; "suggest"/"indicate"/"note" only count when
# their subject is itself a source (a report, officials), which the classifier enforces.
SPEECH_LEMMAS = frozenset(
    """
    say tell report state add write reply respond warn ask announce confirm deny claim note
    indicate insist explain acknowledge argue suggest assert declare reveal admit caution
    comment tweet post disclose estimate predict stress emphasize emphasise recall complain retort
    urge vow promise pledge contend concede counter allege testify quip joke boast lament plead
    proclaim remark assure summarize summarise recount
    """.split()
)

# Head nouns of an unnamed source. "spokesperson" counts only when no person is named with it.
_ROLE_NOUNS = frozenset(
    """
    official aide source person people diplomat spokesperson spokesman spokeswoman officer
    adviser advisor insider minister lawmaker negotiator staffer employee analyst expert
    witness resident commander member representative envoy ally confidant
    blogger commentator columnist critic activist supporter opponent voter observer strategist
    consultant organizer organiser scholar professor economist researcher lawyer attorney
    protester protestor student worker teacher doctor pastor veteran lobbyist donor pollster
    user commenter reader viewer caller listener
    """.split()
)
_ROLE_LEMMA = {"people": "person", "advisor": "adviser"}

# Modifiers of an unnamed source that describe rank, not affiliation; they are not kept.
_RANK_WORDS = frozenset(
    "senior top high high-ranking high-level former current unnamed anonymous other another "
    "two-time veteran key leading".split()
)
_QUANTIFIERS = frozenset("several multiple some many various numerous few".split())

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12,
    "dozen": 12, "twenty": 20,
}

# Bodies that speak as an organisation when unnamed ("the ministry said").
_ORG_NOUNS = frozenset(
    """
    ministry military army government office department agency police embassy administration
    committee council cabinet court company firm group campaign movement party organization
    organisation
    """.split()
)
# "the group" / "the organization" may stand for any body named before; "the campaign" only for
# one whose name ends in "campaign" ("the Obama campaign").
_GENERIC_BODIES = frozenset({"group", "organization", "organisation"})

# Documents that speak for their authors ("the letter states", "the ad says"), by kind: a later
# "the advertisement" takes the author of an earlier "commercial".
_DOCUMENTS = {
    "statement": "statement", "release": "statement", "letter": "letter", "memo": "letter",
    "email": "letter", "e-mail": "letter", "ad": "ad", "advertisement": "ad", "commercial": "ad",
    "video": "video", "tweet": "post", "post": "post", "lawsuit": "suit", "suit": "suit",
    "complaint": "suit", "indictment": "indictment", "filing": "filing", "ruling": "ruling",
    "opinion": "ruling", "decision": "ruling", "resolution": "resolution", "petition": "petition",
    "document": "document", "affidavit": "filing", "motion": "filing", "brief": "filing",
    "study": "study", "survey": "study", "book": "book", "column": "column", "editorial": "column",
}
# Verbs by which a subject puts a document out ("Romney released a statement").
_PUBLISHING_LEMMAS = frozenset(
    "release issue send write file draft air run publish post launch unveil sign circulate put hit "
    "retort respond answer counter adopt pass approve introduce propose submit".split()
)

# Words that mark a proper name as a news organisation. A small, explicit list: the syntactic
# positions above find outlets this list does not know.
_OUTLET_WORDS = re.compile(
    r"\b(?:News|Times|Journal|Post|Gazette|Herald|Tribune|Telegraph|Guardian|Channel|Radio|TV|"
    r"Television|Broadcasting|Press|Newswire|Wire|Network|Daily|Weekly|Chronicle|Observer|Monitor|"
    r"Courier|Dispatch|Bulletin|Reuters|Axios|Bloomberg|AP|AFP|CNN|BBC|NBC|CBS|ABC|Fox|Politico|"
    r"Haaretz|Ynet|i24|Al Jazeera|Al Arabiya|IRNA|Tasnim|Fars|Kan)\b"
)

# Institutions that are told things but publish no news; the object of "told" is not an outlet.
_NOT_OUTLET = re.compile(
    r"\b(?:Pentagon|Congress|Senate|House|Parliament|Knesset|Ministry|Council|Court|Committee|"
    r"Department|Army|Police|Government|Cabinet|Commission|Assembly|UN|NATO|White House)\b"
)

# Country names and demonyms folded to one affiliation form; the United States is "US" (the
# form the briefs and reports use), other countries their adjective.
_AFFILIATIONS = {
    "u.s.": "US", "us": "US", "u.s": "US", "usa": "US", "u.s.a.": "US", "american": "US",
    "americans": "US", "united states": "US", "america": "US", "washington": "US",
    "israel": "Israeli", "israeli": "Israeli", "israelis": "Israeli",
    "iran": "Iranian", "iranian": "Iranian", "iranians": "Iranian",
    "uk": "British", "u.k.": "British", "britain": "British", "british": "British",
    "united kingdom": "British",
    "russia": "Russian", "russian": "Russian", "china": "Chinese", "chinese": "Chinese",
    "lebanon": "Lebanese", "lebanese": "Lebanese", "egypt": "Egyptian", "egyptian": "Egyptian",
    "qatar": "Qatari", "qatari": "Qatari", "saudi": "Saudi", "saudi arabia": "Saudi",
    "france": "French", "french": "French", "germany": "German", "german": "German",
    "ukraine": "Ukrainian", "ukrainian": "Ukrainian", "jordan": "Jordanian",
    "jordanian": "Jordanian", "arab": "Arab", "palestinian": "Palestinian",
    "european": "European", "western": "Western",
}

# Nouns that name one person's office. "the governor said" refers back to a person named with
# that title ("Gov. Rick Perry"); the abbreviations are the newswire forms of the titles.
_PERSON_TITLES = frozenset(
    """
    president governor senator congressman congresswoman mayor chairman chairwoman secretary
    candidate nominee prosecutor judge sheriff legislator representative speaker premier
    """.split()
)
_TITLE_ABBREVIATIONS = {
    "gov": "governor", "sen": "senator", "rep": "representative", "pres": "president",
    "sec": "secretary", "chair": "chairman", "congressman": "representative",
    "congresswoman": "representative",
}

# How a verb without a subject of its own borrows one: "said" in "stormed back, leaned in and
# said" (conj), "retort" in "was quick to retort" (xcomp of an acomp), "..., saying" (advcl).
_SHARES_SUBJECT = frozenset({"conj", "xcomp", "acomp"})
_MAX_CLIMB = 4

_THE = re.compile(r"^(?:the|The|THE)\s+")
_POSS = re.compile(r"(?:['’]s|['’])$")
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})


# A block quote (not reopened by each paragraph) runs over at most this many paragraphs
# between the one that opens it and the one that closes it.
_BLOCK_PARAGRAPHS = 6


@dataclass(frozen=True, slots=True)
class MarkedQuote:
    """Text between quotation marks within one line."""

    outer: Span  # from the opening mark to the closing mark, or to the end of the line
    content: Span  # between the marks
    runs_on: bool = False  # left open at the end of its paragraph, which the next one reopens


def quote_marks(text: str) -> list[MarkedQuote]:
    """Every quotation in ``text``, paired line by line.

    A quote that runs over paragraphs is reopened by each of them and closed only by the last,
    so each paragraph is paired on its own (pairing across lines would swallow the text between
    two quotes); an opening mark left open at the end of a paragraph that the next paragraph
    reopens is a quote running on. A block quote is not reopened: an opening mark left open,
    followed by at most ``_BLOCK_PARAGRAPHS`` paragraphs without quotation marks and then one
    whose first mark closes, is one quote over those paragraphs. A curly opening mark is closed
    by a curly or a straight closing mark (“...," is a common typo), a straight one only by a
    straight one; an opening mark while one is open starts over (the first was never closed).
    Every part of a quote over several paragraphs lies within one line.
    """
    out: list[MarkedQuote] = []
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    resume: dict[int, int] = {}  # line -> where pairing starts again after a block quote closed
    for k, line in enumerate(lines):
        pos = starts[k]
        opened: int | None = None
        for i in range(resume.get(k, 0), len(line)):
            ch = line[i]
            if ch not in "“”\"":
                continue
            if opened is None:
                if ch != "”":
                    opened = i
            elif line[opened] == '"' and ch != '"':
                continue  # curly marks nested in a straight quote
            elif ch == "“":
                opened = i
            else:
                out.append(MarkedQuote(Span(pos + opened, pos + i + 1), Span(pos + opened + 1, pos + i)))
                opened = None
        if opened is None:
            continue
        end = pos + len(line)
        following = next((nxt.lstrip() for nxt in lines[k + 1 :] if nxt.strip()), "")
        if following[:1] in {"“", '"'}:
            out.append(MarkedQuote(Span(pos + opened, end), Span(pos + opened + 1, end), runs_on=True))
            continue
        closing = _block_end(lines, k + 1)
        if closing is None:
            continue
        last, close = closing
        out.append(MarkedQuote(Span(pos + opened, end), Span(pos + opened + 1, end), runs_on=True))
        for m in range(k + 1, last):
            if lines[m].strip():
                lo, hi = starts[m], starts[m] + len(lines[m])
                out.append(MarkedQuote(Span(lo, hi), Span(lo, hi), runs_on=True))
        lo = starts[last]
        out.append(MarkedQuote(Span(lo, lo + close + 1), Span(lo, lo + close)))
        resume[last] = close + 1
    return out


def _block_end(lines: Sequence[str], first: int) -> tuple[int, int] | None:
    """(line, index of the closing mark) that ends a block quote left open before ``first``."""
    paragraphs = 0
    for m in range(first, len(lines)):
        line = lines[m]
        if not line.strip():
            continue
        marks = [i for i, ch in enumerate(line) if ch in "“”\""]
        if marks:
            i = marks[0]
            closes = line[i] == "”" or (line[i] == '"' and i > 0 and not line[i - 1].isspace())
            return (m, i) if closes else None
        paragraphs += 1
        if paragraphs > _BLOCK_PARAGRAPHS:
            return None
    return None

# Pronoun resolution weighs the people named in the last few sentences: a mention counts
# _SPEAKER_WEIGHT as a speaker or the subject of a main clause, _SUBJECT_WEIGHT as another
# subject, 1 otherwise, halved for every sentence back; mentions further back than
# _PRONOUN_WINDOW sentences do not count.
_SPEAKER_WEIGHT = 3
_SUBJECT_WEIGHT = 2
_PRONOUN_DECAY = 0.5
_PRONOUN_WINDOW = 3
# A person whose honorific gives the pronoun's gender ("Ms. Lauten" for "she") weighs this much
# more than a name of unknown gender: the unknown may not even be a person ("she describes herself
# on Twitter ... 'I get you're both ...,' she wrote", the small model's PERSON "Twitter").
_KNOWN_GENDER_BONUS = 1.5
_ASKING_LEMMAS = frozenset({"ask", "question", "press"})
_HONORIFIC_GENDER = {"mr": "m", "ms": "f", "mrs": "f", "miss": "f"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


@dataclass(frozen=True, slots=True)
class PersonMention:
    """A person named or referred to by a subject pronoun in the narrative (not inside a
    quotation), for resolving later pronouns."""

    start: int
    sent: int  # index of its sentence
    name: str  # the fullest form named so far ("Eric Holder" for a later "Holder")
    weight: int


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a phrase is resolved against: persons and outlets named earlier in the article.

    ``persons`` and ``outlets`` are (start offset, name) pairs sorted by offset; ``pronouns``
    maps the start of every subject "he"/"she" of the narrative to the person it refers to.
    """

    persons: tuple[tuple[int, str], ...] = ()
    outlets: tuple[tuple[int, str], ...] = ()
    titled: tuple[tuple[int, str, str], ...] = ()  # (start, name, title) of persons named with a title
    pronouns: tuple[tuple[int, str], ...] = ()
    mentions: tuple[PersonMention, ...] = ()  # people of the narrative, in text order
    sent_starts: tuple[int, ...] = ()  # character offset of every sentence
    genders: tuple[tuple[str, str], ...] = ()  # (surname, "m" | "f") as an honorific tells it
    bodies: tuple[BodyMention, ...] = ()  # named organisations of the narrative, in text order

    @classmethod
    def from_doc(cls, doc: Doc, sources: Iterable[SourceRef] = ()) -> SourceContext:
        persons = tuple((e.start_char, _POSS.sub("", e.text)) for e in doc.ents if e.label_ == "PERSON")
        outlets = tuple(
            sorted((s.span.start, s.name) for s in sources if s.kind == "outlet" and s.name)
        )
        titled = tuple((e.start_char, e.text, t) for e in doc.ents if e.label_ == "PERSON" for t in _titles_of(e))
        pronouns, mentions, genders = _resolve_pronouns(doc, persons)
        return cls(
            persons=persons, outlets=outlets, titled=titled, pronouns=pronouns, mentions=mentions,
            sent_starts=tuple(s.start_char for s in doc.sents), genders=tuple(sorted(genders.items())),
            bodies=_body_mentions(doc),
        )

    def with_outlet(self, start: int, name: str) -> SourceContext:
        return replace(self, outlets=tuple(sorted((*self.outlets, (start, name)))))

    def person_before(self, offset: int, pronoun: str = "") -> str | None:
        """The person the subject pronoun at ``offset`` refers to (see :func:`_resolve_pronouns`);
        for any other offset, the most salient person before it the same way."""
        found = dict(self.pronouns).get(offset)
        if found is not None:
            return found
        here = max(bisect.bisect_right(self.sent_starts, offset) - 1, 0)
        earlier = [m for m in self.mentions if m.start < offset]
        name = _salient_person(earlier, here, _PRONOUN_GENDER.get(pronoun.casefold()), dict(self.genders))
        if name is not None:
            return name
        i = bisect.bisect_left(self.persons, (offset, ""))
        return self.persons[i - 1][1] if i else None

    def titled_person_before(self, title: str, offset: int) -> str | None:
        """The latest person named with ``title`` before ``offset`` ("Gov. Rick Perry" for
        "the governor")."""
        for start, name, t in reversed(self.titled):
            if start < offset and t == title:
                return name
        return None

    def body_before(self, noun: str, offset: int) -> str | None:
        """The named body a definite "the <noun>" at ``offset`` stands for ("the group", "the
        campaign"): of the bodies named in the last ``_PRONOUN_WINDOW`` sentences whose name ends
        in ``noun`` (any name for "group"), the latest subject of a clause, else the latest."""
        here = max(bisect.bisect_right(self.sent_starts, offset) - 1, 0)
        fits = [
            b for b in self.bodies
            if b.start < offset and here - b.sent <= _PRONOUN_WINDOW
            and (noun in _GENERIC_BODIES or b.name.split()[-1].casefold() == noun)
        ]
        subjects = [b for b in fits if b.subject]
        best = (subjects or fits)[-1:]
        return best[0].name if best else None

    def is_known_person(self, word: str, offset: int) -> bool:
        """True when ``word`` is a person named before (in full or as the last word)."""
        for start, name in self.persons:
            if start >= offset:
                break
            if name == word or name.split()[-1] == word:
                return True
        return False

    def resolve_outlet(self, name: str, offset: int) -> str:
        """A short form of an outlet named before ``offset`` resolved to its full name."""
        for start, full in reversed(self.outlets):
            if start >= offset or full == name:
                continue
            words = full.split()
            if len(words) > 1 and (words[-1] == name or "".join(w[0] for w in words) == name):
                return full
        return name


@dataclass(frozen=True, slots=True)
class BodyMention:
    """An organisation named in the narrative (not inside a quotation), for resolving a later
    "the group" or "the campaign"."""

    start: int
    sent: int  # index of its sentence
    name: str
    subject: bool  # the subject of a clause


def _body_mentions(doc: Doc) -> tuple[BodyMention, ...]:
    """ORG names, and body nouns with a proper name before them ("the Obama campaign"), outside
    quotation marks."""
    quoted = [(q.outer.start, q.outer.end) for q in quote_marks(doc.text)]
    sent_of = {s.start: k for k, s in enumerate(doc.sents)}
    found: dict[int, BodyMention] = {}  # by head token

    def add(start: int, end: int, head: Token) -> None:
        if any(a <= doc[start].idx < b for a, b in quoted) or head.i in found:
            return
        name = _name_text(doc, start, end)
        if name:
            sent = sent_of[head.sent.start]
            found[head.i] = BodyMention(doc[start].idx, sent, name, head.dep_ in {"nsubj", "nsubjpass"})

    for ent in doc.ents:
        if ent.label_ == "ORG":
            add(ent.start, ent.end, ent.root)
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.casefold() not in _ORG_NOUNS:
            continue
        mods = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"} and c.tag_ in {"NNP", "NNPS"}]
        if mods:
            add(mods[0].left_edge.i, tok.i + 1, tok)
    return tuple(sorted(found.values(), key=lambda b: b.start))


def _definite_body(doc: Doc, start: int, head: Token, ctx: SourceContext) -> str | None:
    """The body named before that "the group" / "the campaign" [start .. head] stands for."""
    if doc[start].lower_ != "the" or head.pos_ != "NOUN" or any(t.tag_ in {"NNP", "NNPS"} for t in doc[start : head.i]):
        return None
    lemma = head.lemma_.casefold()
    return ctx.body_before(lemma, doc[start].idx) if lemma in _ORG_NOUNS else None


def _resolve_pronouns(
    doc: Doc, persons: Sequence[tuple[int, str]]
) -> tuple[tuple[tuple[int, str], ...], tuple[PersonMention, ...], dict[str, str]]:
    """The person each subject "he"/"she" of the narrative refers to, in one pass over the text;
    also the mentions that pass weighed, and the genders honorifics give.

    People are the PERSON names, a surname alone that was named in full before (the small model
    misses many), and unlabelled proper names that are the subject of a speech verb. Each
    mention outside quotation marks, and each resolved pronoun, adds to its person's salience:
    ``_SPEAKER_WEIGHT`` as the subject of a main clause, ``_SUBJECT_WEIGHT`` as another subject,
    1 otherwise, halved for every sentence back, nothing beyond ``_PRONOUN_WINDOW`` sentences.
    A pronoun takes the most salient person whose gender, where an honorific tells it ("Ms.
    Lauten"), agrees; a name in the pronoun's own sentence that is not a subject is never its
    antecedent ("Of Obama, he said"). With nobody in the window it takes the latest subject
    before it, else the latest person.

    Salience rather than the latest name, because a "he said" most often continues the person
    the text is about, not a name mentioned in passing ("Perry stepped up his attacks on
    Obama ... he said").
    """
    quoted = [(q.outer.start, q.outer.end) for q in quote_marks(doc.text)]
    sent_of = {}
    for k, sent in enumerate(doc.sents):
        for tok in sent:
            sent_of[tok.i] = k
    genders: dict[str, str] = {}
    for e in doc.ents:
        if e.label_ == "PERSON" and e.start > 0:
            gender = _HONORIFIC_GENDER.get(doc[e.start - 1].lower_.rstrip("."))
            name = _POSS.sub("", e.text).strip()
            if gender is not None and name:
                genders.setdefault(name.split()[-1], gender)
    ent_at = {e.start: e for e in doc.ents}
    full_names: dict[str, str] = {}  # surname -> the latest full name with it
    surnames = {n.split()[-1] for _, n in persons if n.split()}
    mentions: list[PersonMention] = []
    out: list[tuple[int, str]] = []

    def weight_of(tok: Token) -> int:
        if tok.dep_ not in {"nsubj", "nsubjpass"}:
            return 1
        return _SPEAKER_WEIGHT if _in_main_clause(tok.head) else _SUBJECT_WEIGHT

    def add(tok: Token, name: str) -> None:
        words = name.split()
        if len(words) > 1:
            full_names[words[-1]] = name
        elif name in full_names:
            name = full_names[name]
        mentions.append(PersonMention(tok.idx, sent_of[tok.i], name, weight_of(tok)))

    i = 0
    while i < len(doc):
        tok = doc[i]
        if any(a <= tok.idx < b for a, b in quoted):
            i += 1
            continue
        ent = ent_at.get(i)
        if ent is not None and ent.label_ == "PERSON":
            name = _POSS.sub("", ent.text).strip()
            if name:
                add(ent.root, name)
            i = ent.end
            continue
        if ent is not None:
            i = ent.end
            continue
        low = tok.lower_
        if tok.tag_ == "NNP" and (
            tok.text in surnames or (tok.dep_ == "nsubj" and is_speech_verb(tok.head) and tok.ent_type_ == "")
        ):
            add(tok, tok.text)
        elif low in _PRONOUN_GENDER and tok.dep_ in {"nsubj", "nsubjpass"}:
            name = _asked_person(tok, full_names) or _salient_person(mentions, sent_of[tok.i], _PRONOUN_GENDER[low], genders)
            if name is not None:
                out.append((tok.idx, name))
                mentions.append(PersonMention(tok.idx, sent_of[tok.i], name, weight_of(tok)))
        i += 1
    return tuple(out), tuple(mentions), genders


def _asked_person(pronoun: Token, full_names: Mapping[str, str]) -> str | None:
    """The person asked, for the subject of a reported yes/no question: "asked Trump if he had
    people on the ground" is about Trump."""
    clause = pronoun.head
    asker = clause.head
    if clause.dep_ not in {"ccomp", "advcl"} or asker.lemma_.casefold() not in _ASKING_LEMMAS:
        return None
    if not any(c.dep_ == "mark" and c.lower_ in {"if", "whether"} for c in clause.children):
        return None
    asked = next((c for c in asker.children if c.dep_ in {"dobj", "dative"} and c.ent_type_ == "PERSON"), None)
    if asked is None:
        return None
    name = next((e.text for e in pronoun.doc.ents if e.start <= asked.i < e.end), asked.text)
    name = _POSS.sub("", name).strip()
    return full_names.get(name, name) if " " not in name else name


def _salient_person(
    mentions: Sequence[PersonMention], here: int, gender: str | None, genders: Mapping[str, str]
) -> str | None:
    def agrees(name: str) -> bool:
        return gender is None or genders.get(name.split()[-1], gender) == gender

    def known(name: str) -> bool:
        return gender is not None and genders.get(name.split()[-1]) == gender

    scores: dict[str, float] = {}
    latest: dict[str, int] = {}
    for m in mentions:
        back = here - m.sent
        if back > _PRONOUN_WINDOW or (back == 0 and m.weight == 1) or not agrees(m.name):
            continue
        bonus = _KNOWN_GENDER_BONUS if known(m.name) else 1.0
        scores[m.name] = scores.get(m.name, 0.0) + bonus * m.weight * _PRONOUN_DECAY**back
        latest[m.name] = m.start
    if scores:
        return max(scores, key=lambda n: (scores[n], latest[n]))
    for min_weight in (_SUBJECT_WEIGHT, 1):
        for m in reversed(mentions):
            if m.weight >= min_weight and agrees(m.name) and not (m.sent == here and m.weight == 1):
                return m.name
    return None


def _in_main_clause(verb: Token) -> bool:
    """True for the root verb of a sentence and the verbs coordinated with it."""
    for _ in range(_MAX_CLIMB):
        if verb.dep_ == "ROOT":
            return True
        if verb.dep_ != "conj":
            return False
        verb = verb.head
    return False


def _titles_of(ent: SpacySpan) -> set[str]:
    """Office titles written with a person's name: in the words right before it ("Texas Gov.
    Rick Perry", "President Obama") or as its apposition ("Perry, the governor of Texas")."""
    titles = set()
    for tok in ent.doc[max(ent.sent.start, ent.start - 3) : ent.start]:
        w = tok.lower_.rstrip(".")
        w = _TITLE_ABBREVIATIONS.get(w, w)
        if w in _PERSON_TITLES:
            titles.add(w)
    for child in ent.root.children:
        w = _TITLE_ABBREVIATIONS.get(child.lemma_.casefold(), child.lemma_.casefold())
        if child.dep_ == "appos" and w in _PERSON_TITLES:
            titles.add(w)
    return titles


def normalize_affiliation(text: str) -> str:
    """Fold country names and demonyms to one form ("U.S." → "US", "Israel" → "Israeli")."""
    cleaned = _POSS.sub("", _THE.sub("", text.strip()))
    return _AFFILIATIONS.get(cleaned.casefold(), cleaned)


def parse_count(word: str) -> int | None:
    """A source count from a determiner or number ("a" → 1, "three" → 3, "12" → 12), else None."""
    w = word.casefold().replace(",", "")
    if w.isdigit():
        return int(w)
    return _NUMBER_WORDS.get(w)


def verb_lemma(token: Token, known: frozenset[str] = SPEECH_LEMMAS) -> str | None:
    """The lemma of a verb; also of an "-ing" word the tagger took for a noun although it has a
    subject of its own ("and one reader asking, “...”"), when that lemma is one of ``known``."""
    if token.tag_.startswith("VB"):
        return token.lemma_.casefold()
    low = token.lower_
    if token.tag_ != "NN" or not low.endswith("ing") or not any(c.dep_ == "nsubj" for c in token.children):
        return None
    stem = low[:-3]
    # "asking" → ask, "writing" → write, "admitting" → admit
    for lemma in (stem, stem + "e", stem[:-1] if stem[-2:-1] == stem[-1:] else ""):
        if lemma in known:
            return lemma
    return None


def is_speech_verb(token: Token) -> bool:
    """True for a verb whose lemma is an attribution verb ("said", "told", "reported" ...)."""
    return verb_lemma(token) in SPEECH_LEMMAS


# --- phrases -----------------------------------------------------------------------------------


def _crosses_line(doc: Doc, a: int, b: int) -> bool:
    """True when a line break lies between tokens ``a`` and ``b`` (headlines parse into the next line)."""
    lo, hi = sorted((a, b))
    return any("\n" in doc[k].text_with_ws for k in range(lo, hi))


def _phrase_bounds(doc: Doc, head: Token) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by ``head``: its left modifiers and a
    "familiar with ..." / "in/at/from/close to ..." complement; no relative clauses or appositions."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in {"punct", "cc", "prep", "advmod", "mark", "case"} and child.i == head.left_edge.i:
            continue
        if _crosses_line(doc, child.left_edge.i, head.i):
            continue
        start = min(start, child.left_edge.i)
    end = head.i + 1
    for child in head.rights:
        if child.dep_ == "amod" and child.lower_ == "familiar":
            end = max(end, child.right_edge.i + 1)
        elif child.dep_ == "prep" and child.lower_ in {"in", "at", "from", "close", "with", "of", "within"}:
            if head.lower_ in {"report", "reports"}:
                continue
            end = max(end, child.right_edge.i + 1)
        elif child.dep_ in {"compound", "nummod", "case"} and child.i == end:
            end = child.i + 1
        else:
            break
    while start < end - 1 and doc[start].is_punct:
        start += 1
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _adjacent_name(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The run of proper-name tokens right before ``verb`` (skipping adverbs), for parses in which
    a headline without a full stop swallowed the real subject ("... ceasefire\\nChannel 12 reported")."""
    j = verb.i - 1
    while j >= 0 and doc[j].pos_ in {"ADV", "AUX", "PART"}:
        j -= 1
    end = j + 1
    while (
        j >= 0
        and not doc[j].is_space
        and doc[j].ent_type_ not in {"DATE", "TIME"}  # "late Tuesday saying" names no one
        and (doc[j].tag_ in {"NNP", "NNPS"} or doc[j].like_num)
    ):
        j -= 1
    start = j + 1
    if start >= end or not any(doc[k].tag_ in {"NNP", "NNPS"} for k in range(start, end)):
        return None
    if start > 0 and doc[start - 1].lower_ == "the":
        start -= 1
    return start, end


def _following_name(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The run of proper-name tokens right after ``verb`` on its line ("summarized Senor")."""
    j = verb.i + 1
    while j < len(doc) and not doc[j].is_space and doc[j].tag_ in {"NNP", "NNPS"}:
        j += 1
    if j == verb.i + 1 or _crosses_line(doc, verb.i, j - 1):
        return None
    return verb.i + 1, j


def _subject_of(verb: Token) -> tuple[Token | None, Token]:
    """The verb's subject and the verb that carries it (``verb`` or a head it shares its subject
    with); "who" in a relative clause stands for the noun the clause modifies."""
    v = verb
    subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
    for _ in range(_MAX_CLIMB):
        if subj is not None or v.head.i == v.i:
            break
        if not (v.dep_ in _SHARES_SUBJECT or (v.dep_ == "advcl" and v.tag_ == "VBG")):
            break
        v = v.head
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
    if subj is not None and subj.tag_ in {"WP", "WDT"} and v.dep_ == "relcl" and v.head.pos_ in {"NOUN", "PROPN"}:
        return v.head, v
    if subj is None and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in {"NOUN", "PROPN"}:
        return verb.head, verb  # "a resolution condemning ...", "a statement saying ..."
    return subj, v


def _ent_label(doc: Doc, start: int, end: int, label: str) -> tuple[int, int] | None:
    for ent in doc.ents:
        if ent.label_ == label and ent.start < end and start < ent.end:
            s, e = max(ent.start, start), min(ent.end, end)
            while s < e and doc[s].lower_ == "the":
                s += 1
            while e > s and doc[e - 1].tag_ == "POS":
                e -= 1
            if s < e:
                return s, e
    return None


def _chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _name_text(doc: Doc, start: int, end: int) -> str:
    # Span text, not doc.text slices: Doc.text is rebuilt from the tokens on every access.
    return _POSS.sub("", _THE.sub("", doc[start:end].text)).strip()


def _is_proper(tok: Token) -> bool:
    # Sentence-initial names are often tagged as common nouns ("Channel 9 reported" →
    # Channel/NN); a capitalised token inside an ORG-like entity counts as proper too.
    return tok.tag_ in {"NNP", "NNPS"} or (
        tok.text[:1].isupper() and tok.ent_type_ in {"ORG", "FAC", "WORK_OF_ART", "PRODUCT", "PERSON"}
    )


def _proper_run(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The last contiguous run of proper nouns (and numbers after them) in [start, end)."""
    best: tuple[int, int] | None = None
    i = start
    while i < end:
        if _is_proper(doc[i]):
            j = i
            while j < end and (_is_proper(doc[j]) or (j > i and doc[j].like_num)):
                j += 1
            best = (i, j)
            i = j
        else:
            i += 1
    return best


def _is_outlet_name(name: str) -> bool:
    return bool(_OUTLET_WORDS.search(name))


def _ref(doc: Doc, start: int, end: int, kind: str, cue: Span | None, **fields: object) -> SourceRef:
    a, b = _chars(doc, start, end)
    return SourceRef(span=Span(a, b), text=doc[start:end].text, kind=kind, cue=cue, **fields)  # type: ignore[arg-type]


def _anonymous(doc: Doc, start: int, end: int, head: Token, cue: Span | None) -> SourceRef:
    count: int | None = None
    affiliation_tokens: list[Token] = []
    for tok in doc[start : head.i]:
        low = tok.lower_
        if tok.dep_ == "det" or tok.dep_ == "nummod" or tok.like_num or low in _QUANTIFIERS:
            if count is None:
                count = parse_count(low)
            continue
        if low in _RANK_WORDS or tok.is_punct or tok.tag_ == "POS":
            continue
        affiliation_tokens.append(tok)
    if count is None and head.tag_ in {"NN", "NNP"} and head.lower_ != "people":
        count = 1  # a singular noun names one source ("The official added")
    role = _ROLE_LEMMA.get(head.lemma_.casefold(), head.lemma_.casefold())
    familiar = [c for c in head.rights if c.dep_ == "amod" and c.lower_ == "familiar"]
    if familiar:
        role = f"{role} {doc[familiar[0].i : familiar[0].right_edge.i + 1].text}"
    affiliation = None
    if affiliation_tokens:
        affiliation = normalize_affiliation(doc[affiliation_tokens[0].i : affiliation_tokens[-1].i + 1].text)
    else:
        for prep in head.rights:
            if prep.dep_ == "prep" and prep.lower_ in {"at", "in", "from", "within"}:
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.pos_ == "PROPN":
                    ps, pe = _phrase_bounds(doc, pobj)
                    affiliation = normalize_affiliation(_name_text(doc, ps, pe))
    return _ref(doc, start, end, "anonymous", cue, count=count, role=role, affiliation=affiliation)


def _classify(
    doc: Doc, start: int, end: int, head: Token, cue: Span | None, ctx: SourceContext, position: str
) -> SourceRef | None:
    """Classify the phrase [start, end) headed by ``head``.

    ``position`` is where the phrase stands relative to its cue: ``subject`` (of a speech
    verb), ``reporter`` (subject of "reported" / author of "a report by"), ``recipient`` (object
    of "told" / "spoke to"), ``cited`` (object of "citing" or "according to").
    """
    low = head.lower_
    if head.pos_ == "PRON":
        if low in _PRONOUNS_PERSON and position in {"subject", "reporter"}:
            return _ref(doc, start, end, "person", cue, name=ctx.person_before(head.idx, low))
        return None
    lemma = _ROLE_LEMMA.get(head.lemma_.casefold(), head.lemma_.casefold())
    if lemma in _DOCUMENTS and head.pos_ == "NOUN" and position != "recipient":
        # "the letter states", "a statement from the committee said", "the indictment recounts"
        author = _document_author(doc, head, ctx)
        return _ref(doc, start, end, "document", cue, name=author, role=lemma)
    person = _ent_label(doc, start, end, "PERSON")
    if person is not None and not person[0] <= head.i < person[1]:
        person = None  # "a Netanyahu aide" is the aide, not Netanyahu
    if person is not None and position in {"reporter", "recipient"} and _is_outlet_name(_name_text(doc, start, end)):
        person = None  # the small model tags unfamiliar outlets as people ("Meridian Wire")
    if (
        person is None
        and head.tag_ in {"NNP", "NNPS"}
        and not _is_outlet_name(head.text)
        and ctx.is_known_person(head.text, doc[start].idx)
    ):
        person = (head.i, head.i + 1)  # a surname alone, named in full before ("Austin")
    if lemma in {"report", "media", "outlet", "press"} or (lemma in {"account", "story", "article", "interview"} and position != "recipient"):
        run = _proper_run(doc, start, end)
        by = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == "by"), None)
        if by is not None:
            pobj = next((c for c in by.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                s, e = _phrase_bounds(doc, pobj)
                return _outlet(doc, s, e, cue, ctx)
        is_media = lemma in {"media", "press"} or any(t.lower_ in {"media", "press"} for t in doc[start : head.i])
        if run is not None and not is_media and normalize_affiliation(_name_text(doc, *run)) == _name_text(doc, *run):
            return _outlet(doc, run[0], run[1], cue, ctx)
        if is_media or head.tag_ == "NNS":
            mods = [
                t for t in doc[start : head.i]
                if t.lower_ not in {"media", "press", "news", "report", "reports"} and t.dep_ != "det"
                and t.pos_ in {"ADJ", "PROPN", "NOUN"}
            ]
            affiliation = None
            if mods:
                affiliation = normalize_affiliation(doc[mods[0].i : mods[-1].i + 1].text)
            return _ref(doc, start, end, "media", cue, affiliation=affiliation)
        return None
    if person is None and head.pos_ == "NOUN":
        named = _appositive_person(doc, head)
        if named is not None:  # "A spokesman for the party, Brad Woodhouse, said"
            ps, pe, ae = named
            rs, re_ = start, ps
            while rs < re_ and (doc[rs].dep_ == "det" or doc[rs].is_punct):
                rs += 1
            while re_ > rs and (doc[re_ - 1].is_punct or doc[re_ - 1].is_space):
                re_ -= 1
            role = doc[rs:re_].text if rs < re_ else None
            return _ref(doc, start, ae, "person", cue, name=_name_text(doc, ps, pe), role=role)
    if lemma in _PERSON_TITLES and person is None and head.pos_ == "NOUN" and doc[start].lower_ in {"the", "this"}:
        # "the Texas governor continues": the office holder named earlier with that title, else,
        # like a pronoun, the person the text is about
        title = _TITLE_ABBREVIATIONS.get(lemma, lemma)
        name = ctx.titled_person_before(title, doc[start].idx)
        if name is None:
            name = ctx.person_before(doc[start].idx)
        if name is not None:
            return _ref(doc, start, end, "person", cue, name=name, role=_name_text(doc, start, end) or None)
    if lemma in _ROLE_NOUNS and person is None:
        return _anonymous(doc, start, end, head, cue)
    if person is not None:
        ps, pe = person
        role_tokens = [t for t in doc[start:ps] if t.dep_ != "det" and t.tag_ != "POS" and not t.is_punct]
        role = None
        if role_tokens:
            role = doc[role_tokens[0].i : role_tokens[-1].i + 1].text
        else:
            appos = next((c for c in head.rights if c.dep_ == "appos"), None)
            if appos is not None:  # "said Dana Whitfield, the port director"
                a_s, a_e = _phrase_bounds(doc, appos)
                role = _name_text(doc, a_s, a_e) or None
        return _ref(doc, start, end, "person", cue, name=_name_text(doc, ps, pe), role=role)
    run = _proper_run(doc, start, end)
    if run is not None:
        name = _name_text(doc, *run)
        if position in {"reporter", "recipient"} or _is_outlet_name(name) or ctx.resolve_outlet(name, doc[start].idx) != name:
            return _outlet(doc, start, end, cue, ctx)
        if any(e.label_ in {"ORG", "GPE", "NORP"} for e in doc[start:end].ents):
            return _ref(doc, start, end, "organization", cue, name=_name_text(doc, start, end))
        if head.tag_ in {"NNP", "NNPS"} and position == "subject":
            # An unlabelled name speaking is most often a person the small model missed.
            return _ref(doc, start, end, "person", cue, name=name)
    if lemma in _ORG_NOUNS and position == "subject":  # "the Obama campaign said"
        name = _definite_body(doc, start, head, ctx) or _name_text(doc, start, end)
        return _ref(doc, start, end, "organization", cue, name=name)
    return None


def _author_phrase(doc: Doc, tok: Token, ctx: SourceContext) -> str | None:
    """The name of who a phrase headed by ``tok`` names: a person's name, else the name of a body."""
    if tok.pos_ == "PRON":
        return ctx.person_before(tok.idx, tok.lower_) if tok.lower_ in _PRONOUNS_PERSON else None
    s, e = _phrase_bounds(doc, tok)
    person = _ent_label(doc, s, e, "PERSON")
    if person is not None and person[0] <= tok.i < person[1]:
        return _name_text(doc, *person)
    body = _definite_body(doc, s, tok, ctx)
    if body is not None:
        return body  # "The group has drafted a resolution": the body named before
    while s < e and (doc[s].dep_ == "det" or doc[s].is_punct):
        s += 1
    if not any(t.text[:1].isupper() for t in doc[s:e]):
        return None  # "a group of scholars" names no one
    return _name_text(doc, s, e) or None


def _own_author(doc: Doc, head: Token, ctx: SourceContext) -> str | None:
    """The author a document phrase names itself: "a statement from X", "X's letter", "the
    NAACP resolution", "an ad released by X", or the subject of the verb that put it out ("The
    campaign retorted with an ad", "Romney released a statement")."""
    for child in head.children:
        if child.dep_ == "poss":
            return _author_phrase(doc, child, ctx)
        if child.dep_ == "prep" and child.lower_ in {"from", "by"}:
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _author_phrase(doc, pobj, ctx)
        if child.dep_ == "acl":
            agent = next((c for c in child.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if pobj is not None:
                return _author_phrase(doc, pobj, ctx)
    mods = [t for t in doc[head.left_edge.i : head.i] if t.dep_ in {"compound", "nmod"} and t.tag_ in {"NNP", "NNPS"}]
    if mods:
        return _name_text(doc, mods[0].i, head.i) or None
    verb = head.head
    if head.dep_ == "pobj" and verb.lower_ == "with":
        verb = verb.head
    elif head.dep_ != "dobj":
        return None
    if verb.pos_ != "VERB" or verb.lemma_.casefold() not in _PUBLISHING_LEMMAS:
        return None
    subj, _ = _subject_of(verb)
    return _author_phrase(doc, subj, ctx) if subj is not None and not _crosses_line(doc, subj.i, verb.i) else None


def _document_author(doc: Doc, head: Token, ctx: SourceContext) -> str | None:
    """Who wrote the document a phrase names: its own author, else, for "the letter", the author
    of the latest earlier document of the same kind."""
    own = _own_author(doc, head, ctx)
    if own is not None or not any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in head.children):
        return own
    kind = _DOCUMENTS[_ROLE_LEMMA.get(head.lemma_.casefold(), head.lemma_.casefold())]
    for tok in reversed(doc[: head.i]):
        if tok.pos_ == "NOUN" and _DOCUMENTS.get(tok.lemma_.casefold()) == kind:
            found = _own_author(doc, tok, ctx)
            if found is not None:
                return found
    return None


def _appositive_person(doc: Doc, head: Token) -> tuple[int, int, int] | None:
    """(name start, name end, apposition end) of a person named in apposition to ``head``."""
    for child in head.rights:
        if child.dep_ != "appos" or _crosses_line(doc, head.i, child.i):
            continue
        a_s, a_e = child.left_edge.i, child.right_edge.i + 1
        named = _ent_label(doc, a_s, a_e, "PERSON")
        if named is not None and named[0] <= child.i < named[1]:
            while a_e > a_s and (doc[a_e - 1].is_punct or doc[a_e - 1].is_space):
                a_e -= 1
            return named[0], named[1], min(a_e, named[1])
    return None


def _outlet(doc: Doc, start: int, end: int, cue: Span | None, ctx: SourceContext) -> SourceRef | None:
    while start < end and doc[start].lower_ == "the":
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    # Capitalisation, not the tag: the small model tags unfamiliar outlet names as adverbs or
    # adjectives ("spoke to Axios" → Axios/RB).
    if start >= end or not any(t.text[:1].isupper() and t.is_alpha for t in doc[start:end]):
        return None
    text = _name_text(doc, start, end)
    if not _is_outlet_name(text) and (
        _NOT_OUTLET.search(text)
        or any(_ent_label(doc, start, end, label) is not None for label in ("PERSON", "GPE", "NORP", "LOC"))
    ):
        return None  # "told Gallant", "told Israel", "told Congress" name no outlet
    name = ctx.resolve_outlet(_name_text(doc, start, end), doc[start].idx)
    return _ref(doc, start, end, "outlet", cue, name=name)


# --- cues -------------------------------------------------------------------------------------


def _cue_span(doc: Doc, start: int, end: int) -> Span:
    a, b = _chars(doc, start, end)
    return Span(a, b)


def _recipient(verb: Token) -> Token | None:
    """The outlet side of "told X" / "spoke to X" / "talked to X" / "in an interview with X"."""
    lemma = verb.lemma_.casefold()
    for child in verb.children:
        if lemma == "tell" and child.dep_ in {"dobj", "dative", "iobj"}:
            return child
        # An unfamiliar outlet name right after "told" is often parsed as an adverb ("told Axios").
        if lemma == "tell" and child.dep_ in {"advmod", "npadvmod"} and child.i > verb.i and child.text[:1].isupper():
            return child
        if lemma in {"speak", "talk", "tell", "say"} and child.dep_ in {"prep", "dative"} and child.lower_ in {"to", "with"}:
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    return None


def source_of_cue(
    doc: Doc, verb: Token, ctx: SourceContext | None = None, lemmas: frozenset[str] | None = SPEECH_LEMMAS
) -> SourceRef | None:
    """The source a speech/reporting verb attributes its statement to: its subject, parsed as in
    :func:`find_sources` (with ``via`` from "told X"), or None when the subject is no source.

    ``lemmas`` are the verbs accepted as cues (quotes add "called", "described" ...); None
    accepts any verb, for positions that make a verb a cue by themselves (``“...,” summarized
    Senor``).
    """
    ctx = ctx or SourceContext.from_doc(doc)
    lemma = verb_lemma(verb, SPEECH_LEMMAS if lemmas is None else lemmas)
    if lemma is None or (lemmas is not None and lemma not in lemmas):
        return None
    cue = _cue_span(doc, verb.i, verb.i + 1)
    subj, carrier = _subject_of(verb)
    position = "reporter" if lemma == "report" else "subject"
    ref: SourceRef | None = None
    if subj is not None and not _crosses_line(doc, subj.i, verb.i):
        s, e = _phrase_bounds(doc, subj)
        ref = _classify(doc, s, e, subj, cue, ctx, position)
    if ref is None and (subj is None or _crosses_line(doc, subj.i, verb.i)):
        # a paragraph without a full stop parses into the next one: take the name right before
        # the verb (or before the verb it borrows its subject from) on the verb's own line
        for v in dict.fromkeys((verb, carrier)):
            run = _adjacent_name(doc, v)
            if run is None or _crosses_line(doc, run[0], verb.i):
                continue
            head = doc[run[1] - 1]
            while head.like_num and head.i > run[0]:
                head = doc[head.i - 1]
            ref = _classify(doc, run[0], run[1], head, cue, ctx, position)
            if ref is not None:
                break
    if ref is None and (verb.i == 0 or doc[verb.i - 1].is_punct or doc[verb.i - 1].is_space):
        # "“...,” summarized Senor", "Added Gibbs: ...": a subject after the verb, which the
        # parser often attaches as an attribute or object
        run = _following_name(doc, verb)
        if run is not None:
            ref = _classify(doc, run[0], run[1], doc[run[1] - 1], cue, ctx, position)
    if ref is None:
        return None
    rec = _recipient(verb)
    if rec is not None and ref.kind in {"anonymous", "person", "organization"}:
        s, e = _phrase_bounds(doc, rec)
        outlet = _outlet(doc, s, e, cue, ctx)
        if outlet is not None:
            ref = replace(ref, via=outlet.name)
    return ref


def _relcl_via(doc: Doc, head: Token, ctx: SourceContext) -> SourceRef | None:
    """"three US officials who spoke to Axios" → the Axios outlet."""
    for child in head.children:
        if child.dep_ in {"relcl", "acl"}:
            rec = _recipient(child)
            if rec is not None:
                s, e = _phrase_bounds(doc, rec)
                return _outlet(doc, s, e, _cue_span(doc, child.i, child.i + 1), ctx)
    return None


@dataclass
class _Found:
    ref: SourceRef
    sent: int
    frames: bool = False  # an outlet that frames its sentence ("Axios reported", "a report by X")


def _emit_recipient(doc: Doc, verb: Token, cue: Span, ctx: SourceContext, sent: int, out: list[_Found]) -> SourceContext:
    rec = _recipient(verb)
    if rec is not None:
        s, e = _phrase_bounds(doc, rec)
        outlet = _outlet(doc, s, e, cue, ctx)
        if outlet is not None:
            out.append(_Found(outlet, sent))
            ctx = ctx.with_outlet(outlet.span.start, outlet.name or "")
    return ctx


def find_sources(doc: Doc) -> tuple[SourceRef, ...]:
    """Every attribution in the article, in text order, as structured :class:`SourceRef` objects."""
    ctx = SourceContext.from_doc(doc)
    found: list[_Found] = []
    sent_starts = [s.start for s in doc.sents]

    def sent_of(i: int) -> int:
        return bisect.bisect_right(sent_starts, i) - 1

    for tok in doc:
        low = tok.lower_
        sent = sent_of(tok.i)
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            cue = _cue_span(doc, tok.i, tok.i + 2)
            s, e = _phrase_bounds(doc, pobj)
            ref = _classify(doc, s, e, pobj, cue, ctx, "cited")
            if ref is None:
                continue
            frames = ref.kind == "outlet"
            if ref.kind == "anonymous":
                outlet = _relcl_via(doc, pobj, ctx)
                if outlet is not None:
                    ref = replace(ref, via=outlet.name)
                    found.append(_Found(ref, sent))
                    found.append(_Found(outlet, sent))
                    ctx = ctx.with_outlet(outlet.span.start, outlet.name or "")
                    continue
            found.append(_Found(ref, sent, frames))
            if ref.kind == "outlet":
                ctx = ctx.with_outlet(ref.span.start, ref.name or "")
                ctx = _acronym_alias(doc, e, ref, ctx)
            continue
        if low in {"citing", "cited", "cites", "cite"} and tok.pos_ == "VERB":
            obj = next((c for c in tok.children if c.dep_ in {"dobj", "pobj"}), None)
            if obj is None:
                continue
            cue = _cue_span(doc, tok.i, tok.i + 1)
            s, e = _phrase_bounds(doc, obj)
            ref = _classify(doc, s, e, obj, cue, ctx, "cited")
            if ref is None or ref.kind == "organization":
                continue
            found.append(_Found(ref, sent))
            continue
        if not is_speech_verb(tok):
            continue
        lemma = verb_lemma(tok)
        if lemma == "ask" and not any(c.dep_ == "ccomp" for c in tok.children):
            continue  # "asked X to do Y" is a request, not an attribution
        ref = source_of_cue(doc, tok, ctx)
        if ref is None:
            if lemma == "tell":
                ctx = _emit_recipient(doc, tok, _cue_span(doc, tok.i, tok.i + 1), ctx, sent, found)
            continue
        if ref.kind == "person" and ref.name is None:
            continue
        frames = ref.kind == "outlet"
        found.append(_Found(ref, sent, frames))
        if ref.kind == "outlet":
            ctx = ctx.with_outlet(ref.span.start, ref.name or "")
        if ref.via is not None:
            ctx = _emit_recipient(doc, tok, ref.cue or _cue_span(doc, tok.i, tok.i + 1), ctx, sent, found)
    return _finish(found)


def _acronym_alias(doc: Doc, end: int, ref: SourceRef, ctx: SourceContext) -> SourceContext:
    """Register "(WSJ)" after "the Wall Street Journal" so later "WSJ" resolves to it."""
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and doc[end + 1].is_upper:
        return ctx.with_outlet(doc[end + 1].idx, ref.name or "")
    return ctx


def _finish(found: list[_Found]) -> tuple[SourceRef, ...]:
    """Give unattached anonymous sources the outlet framing their sentence, resolve definite
    references ("the officials") to an earlier source, and drop duplicates."""
    framing: dict[int, list[SourceRef]] = {}
    for f in found:
        if f.frames:
            framing.setdefault(f.sent, []).append(f.ref)
    out: list[SourceRef] = []
    seen: set[tuple[Span, str]] = set()
    for f in sorted(found, key=lambda f: (f.ref.span.start, f.ref.span.end)):
        ref = f.ref
        if ref.kind == "anonymous" and ref.via is None and f.sent in framing:
            outlet = min(framing[f.sent], key=lambda o: abs(o.span.start - ref.span.start))
            ref = replace(ref, via=outlet.name)
        if ref.kind == "anonymous" and ref.affiliation is None and ref.text.casefold().startswith("the "):
            ref = _resolve_definite(ref, out)
        key = (ref.span, ref.kind)
        if key in seen:
            continue
        seen.add(key)
        out.append(ref)
    log.debug("found %d sources", len(out))
    return tuple(out)


def _resolve_definite(ref: SourceRef, earlier: Sequence[SourceRef]) -> SourceRef:
    singular = ref.count == 1
    for prev in reversed(earlier):
        if prev.kind != "anonymous" or prev.role != ref.role:
            continue
        if (prev.count == 1) != singular:
            continue
        return replace(
            ref,
            count=prev.count if ref.count is None or singular else ref.count,
            affiliation=prev.affiliation,
            via=ref.via or prev.via,
        )
    return ref
