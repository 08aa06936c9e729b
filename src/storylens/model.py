"""Core types of storylens.

Every domain object is a frozen dataclass with slots. Every finding carries a
:class:`Span` into the ``text`` of the :class:`Article` it came from, so that
``article.text[span.start:span.end]`` is exactly the finding's ``text``.

Dicts appear only at the edges: ``to_dict`` / ``from_dict`` give the JSON form
(see ``render/json.py`` for the public report contract).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import hashlib
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

__all__ = [
    "Span",
    "Outlet",
    "Article",
    "Skipped",
    "Mention",
    "Entity",
    "SourceRef",
    "Quote",
    "Hedge",
    "TimeRef",
    "Quantity",
    "Claim",
    "ArticleAnalysis",
    "ArticleParse",
    "Story",
    "ClaimRef",
    "Fact",
    "Conflict",
    "TimelineEntry",
    "FramingNote",
    "SourcingProfile",
    "Omission",
    "EventVersion",
    "Event",
    "StoryReport",
    "Report",
    "to_dict",
    "from_dict",
    "text_id",
    "normalize_for_id",
    "settle_published",
    "encodable",
    "PUBLISHED_WINDOW",
]

FactStatus = Literal["reported", "silent", "contradicted", "hedged", "related"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open character offsets ``[start, end)`` into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span ({self.start}, {self.end})")

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Outlet:
    """Who published an article."""

    name: str
    domain: str | None = None
    kind: str | None = None  # wire | national | regional | broadcaster | blog | None (unknown)

    def __post_init__(self) -> None:
        _encodable_fields(self, ("name", "domain"))


@dataclass(frozen=True, slots=True)
class Article:
    """One article as ingested: cleaned body text plus metadata.

    ``text`` is the body as stored; every span in storylens indexes it.
    ``published_how`` says how the publication time was known:
    ``metadata`` | ``url`` | ``text`` | ``inferred`` | ``user`` (given on the command line).

    ``published`` is always zone-aware and inside :data:`PUBLISHED_WINDOW` (see
    :func:`settle_published`): a time without a zone is read as UTC and a far date is dropped,
    and ``published_note`` then says so. Code that replaces ``published`` on an existing article
    passes ``published_note`` too, so that the note describes the time it stands next to.
    """

    id: str
    outlet: Outlet
    text: str
    title: str | None = None
    url: str | None = None
    byline: str | None = None
    published: datetime | None = None
    published_how: str | None = None
    language: str | None = None
    paragraphs: tuple[Span, ...] = ()
    origin: str = ""  # file path, URL, "stdin:3", "records.jsonl:12" ...
    meta: Mapping[str, Any] = field(default_factory=dict)
    published_note: str | None = None  # how ``published`` was read when it was not taken as stated

    def __post_init__(self) -> None:
        _encodable_fields(self, ("title", "url", "byline", "origin"))
        if self.published is None or (self.published.tzinfo is not None and _in_window(self.published)):
            return
        when, note = settle_published(self.published)
        object.__setattr__(self, "published", when)
        object.__setattr__(self, "published_note", note)
        if when is None:
            object.__setattr__(self, "published_how", None)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be analyzed, and why."""

    source: str
    reason: str

    def __post_init__(self) -> None:
        _encodable_fields(self, ("source", "reason"))


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention. ``entity_id`` is filled once entities are linked."""

    span: Span
    text: str
    label: str  # PERSON | ORG | GPE | NORP | LOC | FAC | EVENT | ...
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the articles of a story."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    stands_for: str | None = None  # a metonym's referent: Washington -> United States (kept distinct)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Who a statement is attributed to.

    kind: ``person`` | ``organization`` | ``outlet`` | ``anonymous`` | ``media`` (unspecified
    press, "Hebrew media reports") | ``document``.
    For an unnamed source: ``count`` (None when unknown), ``role`` ("official", "aide",
    "person familiar with the matter"), ``affiliation`` ("US", "Israeli"), ``via`` (the outlet
    they spoke to).
    """

    span: Span
    text: str
    kind: str
    name: str | None = None
    count: int | None = None
    role: str | None = None
    affiliation: str | None = None
    via: str | None = None
    entity_id: str | None = None
    cue: Span | None = None  # the attribution cue ("told", "according to", "said")


@dataclass(frozen=True, slots=True)
class Quote:
    """Reported speech. ``kind``: direct | indirect | mixed."""

    span: Span
    text: str
    kind: str
    speaker: SourceRef | None = None
    cue: Span | None = None


@dataclass(frozen=True, slots=True)
class Hedge:
    """A marker of uncertainty or distance ("reportedly", "expected to", "denied")."""

    span: Span
    text: str
    kind: str  # hearsay | expectation | possibility | denial | claim


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression, resolved when it can be.

    ``start``/``end`` is the resolved interval (None when unresolved); ``value`` is the
    TimeML-style normalized value ("2024-10-01", "2024-W41", "P2M", "XXXX-WXX-2"); ``anchor``
    says what it was resolved against: ``absolute`` | ``publication`` | ``none``.
    """

    span: Span
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    granularity: str | None = None  # year | month | week | day | part-of-day | minute
    anchor: str = "none"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its qualifier and what it counts ("over 180 ballistic missiles")."""

    span: Span
    text: str
    value: float
    qualifier: str = "exact"  # exact | at least | more than | about | up to | less than | range
    unit: str | None = None
    upper: float | None = None  # for ranges ("between 10 and 20")


@dataclass(frozen=True, slots=True)
class Claim:
    """One checkable statement (a sentence or clause) with everything found in it."""

    id: str
    article_id: str
    span: Span
    text: str
    sources: tuple[SourceRef, ...] = ()
    hedges: tuple[Hedge, ...] = ()
    entities: tuple[str, ...] = ()  # entity ids once linked, else mention texts
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeRef, ...] = ()
    negated: bool = False
    sentence: Span | None = None  # the whole sentence, when the claim is one of its clauses


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """Everything found in one article (the output of the understand stage)."""

    article: Article
    sentences: tuple[Span, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    times: tuple[TimeRef, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    claims: tuple[Claim, ...] = ()
    # the article's spaCy parse, kept so that later stages read it instead of parsing again
    parse: ArticleParse | None = None


@dataclass(frozen=True, slots=True)
class ArticleParse:
    """An article's spaCy parse in compact form: one string per token attribute, its tokens'
    values separated by spaces (``understand/parse.py`` writes it and rebuilds the ``Doc`` from
    it without running the model). About 25 bytes per token, a fraction of spaCy's own bytes."""

    lengths: str  # characters per token
    spaces: str  # "1" where a space follows the token, else "0" (one character per token)
    tags: str  # fine-grained tags (Penn Treebank)
    pos: str  # coarse universal part-of-speech tags
    deps: str  # dependency labels
    heads: str  # each token's head as an offset from the token (0 for a root)
    lemmas: str  # lemmas; "" for whitespace tokens (whose lemma is their text)
    ents: str = ""  # named entities as "first_token:end_token:LABEL"


@dataclass(frozen=True, slots=True)
class Story:
    """Articles of one run that cover the same event."""

    id: str
    article_ids: tuple[str, ...]
    title: str
    period: tuple[datetime | None, datetime | None] = (None, None)
    entities: tuple[str, ...] = ()
    copies: Mapping[str, str] = field(default_factory=dict)  # article id -> id of its original


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """A pointer to a claim's evidence: which article, which outlet, which characters."""

    article_id: str
    outlet: str
    span: Span
    text: str
    claim_id: str | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    """Claims of one or more outlets that state the same thing."""

    id: str
    text: str
    claims: tuple[ClaimRef, ...]
    status: Mapping[str, FactStatus]
    independent_support: int
    first_reported: str | None = None  # outlet name, when publication times are known
    rests_on: tuple[str, ...] = ()  # the original reports behind it: outlets, or outlets they cite
    # how sure the alignment is: the lowest same-fact probability between claims of two outlets
    # that report it (None for a fact of one outlet)
    confidence: float | None = None
    # claims of other outlets that resemble the fact without stating it (status "related"),
    # each with its same-fact probability
    related: tuple[ClaimRef, ...] = ()
    related_confidence: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    """A disagreement between outlets. kind: number | date | entity | negation | attribution.

    ``fact_id`` is the fact of its first claim; ``fact_ids`` every fact its claims stand in (two
    sentences that disagree on one slot need not have been aligned as one fact). ``confidence``
    is how sure the disagreement is (0-1; ``compare/conflicts.py`` says how it was calibrated).
    """

    id: str
    kind: str
    fact_id: str
    detail: str
    claims: tuple[ClaimRef, ...]
    confidence: float | None = None
    fact_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    start: datetime | None
    end: datetime | None
    text: str
    claims: tuple[ClaimRef, ...]


@dataclass(frozen=True, slots=True)
class FramingNote:
    """A difference in word choice between outlets, with the spans that show it.

    kind: ``naming`` (the same referent or action named differently across outlets: "vetoed" /
    "nixed"; every use in ``uses``) or ``distinctive`` (a term most distinctive of one outlet in
    this story; ``score`` is its weighted log-odds z-score, ``uses`` its occurrences).
    """

    kind: str
    detail: str
    uses: tuple[ClaimRef, ...]
    outlet: str | None = None
    term: str | None = None
    fact_id: str | None = None
    entity_id: str | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class SourcingProfile:
    """How one outlet sources its reporting in one story (counts over its articles)."""

    outlet: str
    named: int
    unnamed: int
    by_kind: Mapping[str, int] = field(default_factory=dict)  # person/organization/outlet/anonymous/media
    officials_by_affiliation: Mapping[str, int] = field(default_factory=dict)  # anonymous officials
    outlets_cited: Mapping[str, int] = field(default_factory=dict)
    quoted: Mapping[str, int] = field(default_factory=dict)  # speaker name -> quotes


@dataclass(frozen=True, slots=True)
class Omission:
    """A fact other outlets reported and this outlet did not."""

    outlet: str
    fact_id: str
    support: int  # independent outlets that reported it
    reporters: tuple[str, ...]
    # how sure the silence is: 1 - the highest same-fact probability between a claim of the fact
    # and any claim of this outlet (None when no probabilities were computed)
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class EventVersion:
    """How one outlet tells an event: the words filling each role, as spans of its article."""

    outlet: str
    claim_id: str | None
    actor: ClaimRef | None = None
    action: ClaimRef | None = None
    target: ClaimRef | None = None
    time: ClaimRef | None = None
    place: ClaimRef | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, when and where: one aligned fact told by several outlets.

    The role values are the most common reading across outlets (canonical entity names where a
    role names an entity, the verb's lemma for the action, the resolved date for the time);
    ``differs`` names the roles the outlets fill differently; every outlet's words stay in
    ``versions``.
    """

    id: str
    fact_id: str
    versions: tuple[EventVersion, ...]
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    time: str | None = None
    place: str | None = None
    differs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryReport:
    story: Story
    articles: tuple[Article, ...]
    entities: tuple[Entity, ...]
    mentions: Mapping[str, tuple[Mention, ...]]  # article id -> linked mentions
    facts: tuple[Fact, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    quotes: Mapping[str, tuple[Quote, ...]] = field(default_factory=dict)  # by article id
    sources: Mapping[str, tuple[SourceRef, ...]] = field(default_factory=dict)  # by article id
    timeline: tuple[TimelineEntry, ...] = ()
    framing: tuple[FramingNote, ...] = ()
    profiles: tuple[SourcingProfile, ...] = ()
    omissions: tuple[Omission, ...] = ()  # per outlet, surest then most supported first
    events: tuple[Event, ...] = ()
    # Why this story has no comparison: a limit it exceeds, or the error that stopped its
    # comparison. Its articles are still listed; every other story of the run is complete.
    failed: str | None = None
    # doubtful number and date conflicts, below the bar at which conflicts are shown
    possible_conflicts: tuple[Conflict, ...] = ()

    @property
    def outlets(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for a in self.articles:
            seen.setdefault(a.outlet.name, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one run: stories and what was skipped."""

    stories: tuple[StoryReport, ...]
    skipped: tuple[Skipped, ...] = ()
    duplicates: Mapping[str, str] = field(default_factory=dict)  # dropped article id -> kept id


# --- strings every report can be written with --------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    # a byte the file system name could not decode (surrogateescape) is shown as the byte
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def encodable(text: str, *, replace: bool = False) -> str:
    """``text`` without lone surrogates, which no report encoding can hold.

    They come from file names with undecodable bytes (surrogateescape; shown as ``\\xNN``)
    and from JSON escapes such as ``"\\udfff"`` (``replace``: every one becomes U+FFFD).
    """
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text) if replace else _SURROGATE.sub(_shown, text)


def _encodable_fields(obj: Any, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str) and _SURROGATE.search(value):
            object.__setattr__(obj, name, encodable(value))


# --- publication times ------------------------------------------------------------------------

# News dates outside these years are placeholders ("0001-01-01T00:00:00Z" is a common empty
# value of article:published_time) or typos; arithmetic on them overflows datetime.
PUBLISHED_WINDOW = (
    datetime(1900, 1, 1, tzinfo=timezone.utc),
    datetime(2100, 1, 1, tzinfo=timezone.utc),
)


def _in_window(value: datetime) -> bool:
    low, high = PUBLISHED_WINDOW
    # compared by calendar date, so that a zone offset next to year 1 or 9999 cannot overflow
    return low.date() <= value.date() < high.date()


def settle_published(value: datetime) -> tuple[datetime | None, str | None]:
    """The one time model of publication times: ``(time, note)``.

    A time without a zone is read as UTC (note says so); a stated zone is kept as stated, so
    that "Tuesday" resolves in the article's own local calendar. A date outside
    :data:`PUBLISHED_WINDOW` is not used: the time is None and the note keeps it as text.
    """
    if not _in_window(value):
        low, high = PUBLISHED_WINDOW
        return None, (
            f"publication time {value.isoformat()} ignored: outside {low.year}-{high.year - 1}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=timezone.utc), "no time zone stated; read as UTC"
    return value, None


# --- ids -------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalize_for_id(text: str) -> str:
    """The text an article id is computed from: case- and whitespace-insensitive."""
    return _WS.sub(" ", text).strip().casefold()


def text_id(text: str, length: int = 16) -> str:
    """A stable content hash (hex) of the normalized text."""
    return hashlib.sha256(normalize_for_id(text).encode("utf-8")).hexdigest()[:length]


# --- JSON round trip ---------------------------------------------------------------------------


def to_dict(obj: Any) -> Any:
    """A JSON-ready form of any core type (spans become ``[start, end]``)."""
    if isinstance(obj, Span):
        return [obj.start, obj.end]
    if isinstance(obj, datetime):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj


_T = typing.TypeVar("_T")


def from_dict(cls: type[_T], data: Any) -> _T:
    """Rebuild a core type from :func:`to_dict` output."""
    return _convert(cls, data)


# get_type_hints re-evaluates annotations on every call; it was 80 % of reading an analysis back
_hints = functools.cache(typing.get_type_hints)


def _convert(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(args[0], data) if len(args) == 1 else data
    if tp is Span:
        return Span(int(data[0]), int(data[1]))
    if tp is datetime:
        return datetime.fromisoformat(data)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in data)
        return tuple(_convert(a, v) for a, v in zip(args, data))
    if origin in (Mapping, dict, typing.Mapping, collections.abc.Mapping) or tp in (Mapping, dict):
        args = typing.get_args(tp)
        vt = args[1] if len(args) == 2 else Any
        return {k: _convert(vt, v) for k, v in data.items()}
    if origin is Literal:
        return data
    return data
