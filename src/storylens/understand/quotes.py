"""Quotes: reported speech in an article, direct, mixed and indirect, with its speaker.

Input is a spaCy ``Doc`` parsed from ``Article.text``; every span indexes that text, and a
quote's ``text`` is exactly ``doc.text[span.start:span.end]``.

Direct quotes are found in the characters, not the parse (the small model splits sentences
inside quotes): quotation marks paired within one line by ``sourcing.quote_marks`` (typographic,
straight, and a curly opening closed by a straight mark), plus every paragraph of a quote that
runs on (left open at a paragraph's end and reopened by the next, or a block quote left open and
closed a few paragraphs later without being reopened). The quote's span is the
content without the marks, without surrounding spaces and without a trailing comma (the comma
belongs to the attribution that follows, ``“...,” she said``); closing ``.?!`` stay. Names of
shows, books and slogans in quotation marks are not quotes: a few title-case words covered by
a name entity, after a possessive or before a noun such as "show" ("NBC's “Today” show").

- ``direct``: the content reads as speech, i.e. its first letter is upper case and it ends in
  sentence punctuation or runs to at least four words. Multi-sentence quotes are one quote.
- ``mixed``: a fragment (lower-case start, or short without closing punctuation) woven into a
  sentence: "asked whether Israel was prepared to “go it alone”".
- Scare quotes are skipped: a fragment of one or two words whose sentence has no speech cue
  ("the so-called “deal”"). Longer fragments are kept as mixed even without a cue, because the
  brief asks to drop only the one- and two-word kind.

The speaker of a direct or mixed quote is, in this order: the source of the verb that frames
the quote, whatever the verb (right after a quote that hands over with a comma, ``“...,”
summarized Senor``, or before a colon that opens it, ``Added Gibbs: “...”``, also at the end of
the paragraph before a quote set off on its own); the source of the
nearest speech cue in the same sentence and line, before or after the quote (a verb from
``sourcing.SPEECH_LEMMAS``, or "according to"; "continued" too, next to a direct quote; verbs
of characterising such as "called" or "dismissed ... as" for fragments); for a direct quote
without one, a cue just after it when the parser closed the sentence at the quote's "?" or "!"
(``"...?" Obama said.``), else the speaker of the previous direct quote in the same paragraph,
else the last attribution in the preceding sentence. The paragraphs of a quote that runs on
share the first speaker named at one of them. Subject pronouns ("he said") are resolved
by ``sourcing`` to the most salient person named before them. Speakers come from ``sourcing``
(the same phrase parser), so "Pentagon spokesperson Sabrina Singh" is the person
"Sabrina Singh" with role "Pentagon spokesperson", and "a US official told Axios" is an
anonymous source with via "Axios". ``cue`` is the speech verb.

Indirect quotes: a speech verb's content clause ("X said (that) ...", "X told Y (that) ...",
"X asked Y whether ...", and the parenthetical "..., the Journal reported"). The span is the
clause without a leading "that" ("whether"/"if" stay: they make it a question) and without
closing punctuation; the speaker is the verb's subject. Clauses inside or overlapping a direct
quote are not repeated as indirect quotes, and nothing is quoted from a report of what was not
said ("did not state that ...", "never said", "declined to say whether ...").
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from typing import TYPE_CHECKING, Sequence

from storylens.model import Quote, SourceRef, Span
from storylens.understand.sourcing import (
    SPEECH_LEMMAS,
    SourceContext,
    find_sources,
    quote_marks,
    source_of_cue,
    verb_lemma,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

__all__ = ["find_quotes"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_TERMINAL = frozenset(".?!…")
# A fragment of this many words or fewer, with no speech cue in its sentence, is a scare quote.
_SCARE_MAX_WORDS = 2
# An upper-case quote of this many words reads as a sentence even without closing punctuation.
_DIRECT_MIN_WORDS = 4
# Verbs that make a short fragment reported speech ("called the plan “reckless”").
# "Verbs of characterising" too: what the subject called, praised or dismissed something as.
_FRAGMENT_LEMMAS = SPEECH_LEMMAS | frozenset(
    """call describe dub term label brand refer accuse dismiss denounce condemn praise hail
    criticize criticise slam blast decry""".split()
)
# Next to a direct quote, "continued" introduces more of the same speech ("..., Ms. O'Neill
# continued."); elsewhere it is no speech verb, so sourcing does not list it.
_DIRECT_LEMMAS = SPEECH_LEMMAS | frozenset({"continue"})
# How far after a quote that closes its sentence an attribution is still looked for: room for
# a subject of a few words and the verb ("... baseball?" Rep. John Smith said).
_AFTER_QUOTE_CHARS = 60
# "declined to say whether ...": the clause after these was not said.
_REFUSAL_LEMMAS = frozenset("decline refuse fail".split())
# Names of works in quotation marks are not quotes: at most this many words in title case ...
_TITLE_MAX_WORDS = 6
_TITLE_SMALL_WORDS = frozenset("a an the of on in at to for and or with by from".split())
_TITLE_ENTS = frozenset({"WORK_OF_ART", "ORG", "PRODUCT", "EVENT"})
# ... followed by a noun for such a work, or after a possessive ("NBC's “Today”").
_TITLE_NOUNS = frozenset(
    """show program programme series segment column book film movie documentary podcast song album
    slogan motto hashtag headline magazine newspaper blog website site""".split()
)
# A verb framing a quote from after it stands within this many tokens of the closing mark
# ("said Rep. John Smith" puts it first; "Ms. O'Neill continued" third).
_FRAME_TOKENS = 4
# A paragraph introducing a block quote ends in a colon this many tokens after its verb at most
# ("provides the following commentary on the encounter:").
_INTRO_TOKENS = 8
_SENTENCE_END = frozenset(".!?;")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _marked_quotes(text: str) -> list[tuple[Span, Span, int, bool, bool]]:
    """(outer, inner, word count, reads as a sentence, runs on) for every quotation."""
    out = []
    for m in quote_marks(text):
        raw_start, raw_end = m.content.start, m.content.end
        start, end = _trim(text, raw_start, raw_end)
        if start >= end:
            continue
        content = text[start:end]
        words = len(_WORD.findall(content))
        if words == 0:
            continue
        first_alpha = next((c for c in content if c.isalpha()), "")
        ends_like_sentence = content[-1] in _TERMINAL or text[start:raw_end].rstrip().endswith(",") or m.runs_on
        sentence_like = first_alpha.isupper() and (ends_like_sentence or words >= _DIRECT_MIN_WORDS)
        out.append((m.outer, Span(start, end), words, sentence_like, m.runs_on))
    return out


class _Index:
    """Character offset → token for one doc."""

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import IDX

        self.doc = doc
        self.starts: list[int] = doc.to_array([IDX]).reshape(-1).tolist() if len(doc) else []

    def token_at(self, offset: int) -> Token:
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.doc[i]


def _is_title(doc: Doc, index: _Index, outer: Span, inner: Span) -> bool:
    """True for the name of a show, book or slogan in quotation marks ("on NBC's “Today” show",
    "Fox News’ “Hannity”"): a few words in title case that a name entity covers, that follow a
    possessive, or that a noun for such works follows."""
    text = doc.text
    content = text[inner.start : inner.end].rstrip(",")
    words = content.split()
    if not words or len(words) > _TITLE_MAX_WORDS or content[-1:] in _TERMINAL:
        return False
    if not all(w[:1].isupper() or w.casefold() in _TITLE_SMALL_WORDS or not w[:1].isalpha() for w in words):
        return False
    first, last = index.token_at(inner.start), index.token_at(inner.end - 1)
    if first.ent_type_ in _TITLE_ENTS and first.ent_iob_ == "B" and last.ent_type_ == first.ent_type_:
        return True
    before = text[max(0, outer.start - 3) : outer.start].rstrip()
    if before.endswith(("'s", "’s", "'", "’")):
        return True
    after = text[outer.end : outer.end + 30].split()
    return bool(after) and after[0].casefold().strip(".,;:") in _TITLE_NOUNS


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, (len(text) if end < 0 else end)


def _speaker_refs(sources: Sequence[SourceRef]) -> dict[Span, SourceRef]:
    """Cue span → the source speaking at that cue (not the outlet it spoke to)."""
    recipients = {(s.cue, s.via) for s in sources if s.via is not None}
    out: dict[Span, SourceRef] = {}
    for s in sources:
        if s.cue is None:
            continue
        if s.kind == "outlet" and (s.cue, s.name) in recipients:
            continue
        out.setdefault(s.cue, s)
    return out


def _inside(offset: int, regions: Sequence[Span]) -> bool:
    return any(r.start <= offset < r.end for r in regions)


def _speaker_for_region(
    doc: Doc,
    index: _Index,
    lo: int,
    hi: int,
    quote: Span,
    regions: Sequence[Span],
    by_cue: dict[Span, SourceRef],
    ctx: SourceContext,
    lemmas: frozenset[str],
) -> SourceRef | None:
    """The source of the speech cue nearest to ``quote`` within chars [lo, hi), outside quotes."""
    candidates: list[tuple[int, SourceRef]] = []
    for cue, ref in by_cue.items():
        if lo <= cue.start < hi and not _inside(cue.start, regions) and not quote.overlaps(cue):
            candidates.append((_distance(cue, quote), ref))
    for tok in doc[index.token_at(lo).i : index.token_at(max(hi - 1, lo)).i + 1]:
        if tok.idx < lo or tok.idx >= hi or _inside(tok.idx, regions):
            continue
        if verb_lemma(tok, lemmas) not in lemmas:
            continue
        cue = Span(tok.idx, tok.idx + len(tok.text))
        if cue in by_cue:
            continue
        ref = source_of_cue(doc, tok, ctx, lemmas=lemmas)
        if ref is not None:
            candidates.append((_distance(cue, quote), ref))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def _framed_speaker(
    doc: Doc, index: _Index, outer: Span, inner: Span, line_lo: int, line_hi: int, ctx: SourceContext
) -> SourceRef | None:
    """The speaker named by the verb that frames a quote, whatever the verb: right after a quote
    that hands over to its attribution (``“...,” summarized Senor``, ``“...?” he wondered``), or
    right before a colon that opens it (``Added Gibbs: “...”``)."""
    text = doc.text
    candidates: list[Token] = []
    hands_over = text[inner.end : outer.end].startswith(",") or (
        text[inner.end - 1 : inner.end] in {"?", "!", ","} and text[outer.end : outer.end + 2].strip()[:1].islower()
    )
    if hands_over and outer.end < line_hi:
        first = index.token_at(outer.end)
        if first.idx < outer.end:
            first = doc[min(first.i + 1, len(doc) - 1)]
        for tok in doc[first.i : min(first.i + _FRAME_TOKENS, len(doc))]:
            if tok.idx >= line_hi or tok.is_punct or tok.is_space:
                break
            if tok.tag_.startswith("VB") and tok.dep_ not in {"aux", "auxpass"}:
                candidates.append(tok)
                break
    before = text[line_lo : outer.start].rstrip()
    reach, lo = _FRAME_TOKENS, line_lo
    if not before and line_lo > 0:
        # a quote set off as its own paragraph after one that ends in a colon ("a post
        # accompanying the video provides the following commentary on the encounter:")
        prev_end = len(text[:line_lo].rstrip())
        lo = text.rfind("\n", 0, prev_end) + 1
        before, reach = text[lo:prev_end], _INTRO_TOKENS
    if before.endswith(":"):
        # the verb right before the colon, or before its inverted subject ("Added Gibbs:")
        colon = index.token_at(lo + len(before) - 1)
        for tok in reversed(doc[max(colon.i - reach, 0) : colon.i]):
            if tok.idx < lo or tok.text in _SENTENCE_END:
                break
            if tok.tag_.startswith("VB") and tok.dep_ not in {"aux", "auxpass", "amod"}:
                candidates.append(tok)
    for verb in candidates:
        ref = source_of_cue(doc, verb, ctx, lemmas=None)
        if ref is not None and not outer.overlaps(ref.span):
            return ref
    return None


def _distance(cue: Span, quote: Span) -> int:
    return quote.start - cue.end if cue.end <= quote.start else cue.start - quote.end


def find_quotes(doc: Doc, sources: Sequence[SourceRef] = ()) -> tuple[Quote, ...]:
    """Direct, mixed and indirect quotes of the article, in text order, with their speakers.

    ``sources`` is the output of :func:`sourcing.find_sources` for the same doc (computed here
    when not given); speakers are taken from it so they carry its resolved ``via`` and
    definite references.
    """
    if not sources:
        sources = find_sources(doc)
    ctx = SourceContext.from_doc(doc, sources)
    by_cue = _speaker_refs(sources)
    index = _Index(doc)
    text = doc.text
    marked = _marked_quotes(text)
    regions = [m[0] for m in marked]
    # An indirect clause may contain a quoted fragment ("whether Israel was ready to “go it
    # alone”") but is not repeated when it is a direct quote.
    direct_regions = [m[0] for m in marked if m[3]]
    quotes: list[Quote] = []
    own: list[bool] = []  # the speaker was named at the quote itself, not carried over
    chains: list[int] = []  # the paragraphs of one quote running on share a number
    lines: list[int] = []  # where each quote's paragraph starts
    previous: tuple[int, SourceRef] | None = None  # (line start, speaker) of the last direct quote
    chain, ran_on = 0, False

    for outer, inner, words, sentence_like, runs_on in marked:
        if _is_title(doc, index, outer, inner):
            log.debug("skipping the title %r", inner.of(text))
            continue
        open_sent = index.token_at(outer.start).sent
        close_sent = index.token_at(outer.end - 1).sent
        line_lo, line_hi = _line_bounds(text, outer.start)
        if not (ran_on and not text[line_lo : outer.start].strip()):
            chain += 1
        ran_on = runs_on
        lo = max(open_sent.start_char, line_lo)
        hi = min(close_sent.end_char, line_hi)
        lemmas = _DIRECT_LEMMAS if sentence_like else _FRAGMENT_LEMMAS
        speaker = _framed_speaker(doc, index, outer, inner, line_lo, line_hi, ctx)
        if speaker is None:
            speaker = _speaker_for_region(doc, index, lo, hi, outer, regions, by_cue, ctx, lemmas)
        named_here = speaker is not None
        if sentence_like:
            kind = "direct"
            if speaker is None and close_sent.end_char <= outer.end + 1 and outer.end < line_hi:
                # The parser often ends the sentence at a quote's closing "?" or "!", leaving
                # the attribution ("... baseball?" Obama said.) as a sentence of its own.
                after = index.token_at(min(outer.end + 1, len(text) - 1)).sent
                near = min(after.end_char, line_hi, outer.end + _AFTER_QUOTE_CHARS)
                speaker = _speaker_for_region(doc, index, outer.end, near, outer, regions, by_cue, ctx, lemmas)
                named_here = speaker is not None
            if speaker is None and previous is not None and previous[0] == line_lo:
                # the same paragraph goes on quoting whoever spoke last ("“...,” Obama
                # continued. “You've been debating ...”"), even when a source cited in between
                # ("..., according to TIME.") would be the last attribution
                speaker = previous[1]
                named_here = True
            if speaker is None:
                speaker = _previous_sentence_source(doc, open_sent.start, by_cue, sources)
        else:
            if speaker is None and words <= _SCARE_MAX_WORDS:
                log.debug("skipping scare quote %r", inner.of(text))
                continue
            kind = "mixed"
        quotes.append(
            Quote(span=inner, text=inner.of(text), kind=kind, speaker=speaker, cue=speaker.cue if speaker else None)
        )
        own.append(named_here)
        chains.append(chain)
        lines.append(line_lo)
        if speaker is not None and sentence_like:
            previous = (line_lo, speaker)

    # A quote running over paragraphs is attributed once, often in its last paragraph
    # ("“... ¶ “... shell,” he wrote."): every paragraph takes the first speaker named at one of
    # them, else the speaker its first paragraph was given.
    first_named: dict[int, SourceRef] = {}
    for q, c, here in zip(quotes, chains, own):
        if here and q.speaker is not None:
            first_named.setdefault(c, q.speaker)
    for q, c in zip(quotes, chains):
        if q.speaker is not None:
            first_named.setdefault(c, q.speaker)
    for k, (q, c, here) in enumerate(zip(quotes, chains, own)):
        if not here and c in first_named:
            quotes[k] = dataclasses.replace(q, speaker=first_named[c], cue=first_named[c].cue)
    # A quote nobody is named for takes the speaker named next in its paragraph ("The comment
    # was “the latest low ...” It was “a stark contrast ...,” LaBolt said.").
    for k, q in enumerate(quotes):
        if q.speaker is not None:
            continue
        later = next(
            (quotes[j].speaker for j in range(k + 1, len(quotes)) if lines[j] == lines[k] and own[j] and quotes[j].speaker),
            None,
        )
        if later is not None:
            quotes[k] = dataclasses.replace(q, speaker=later, cue=later.cue)

    quotes.extend(_indirect_quotes(doc, direct_regions, by_cue, ctx))
    quotes.sort(key=lambda q: (q.span.start, q.span.end))
    log.debug("found %d quotes", len(quotes))
    return tuple(quotes)


def _previous_sentence_source(
    doc: Doc, sent_start: int, by_cue: dict[Span, SourceRef], sources: Sequence[SourceRef]
) -> SourceRef | None:
    if sent_start == 0:
        return None
    prev = doc[sent_start - 1].sent
    speakers = set(id(r) for r in by_cue.values())
    found = [s for s in sources if prev.start_char <= s.span.start < prev.end_char and id(s) in speakers]
    return found[-1] if found else None


def _content_bounds(doc: Doc, text: str, verb: Token) -> tuple[int, int] | None:
    """Token range [start, end) of the clause reported by ``verb``, or None.

    Of several ccomp children (a headline merged into the sentence adds a spurious one), the
    first on the verb's line that carries a "that"/"whether"/"if" marker wins, else the first on
    the verb's line.
    """
    lemma = verb.lemma_.casefold()
    line_lo, line_hi = _line_bounds(text, verb.idx)
    candidates: list[tuple[bool, int, int]] = []
    for child in verb.children:
        if child.dep_ != "ccomp" or not line_lo <= child.idx < line_hi:
            continue
        marked = any(c.dep_ == "mark" and c.lower_ in {"that", "whether", "if"} for c in child.children)
        if lemma == "ask" and not any(c.dep_ == "mark" and c.lower_ in {"whether", "if"} for c in child.children):
            continue
        start, end = child.left_edge.i, child.right_edge.i + 1
        if start <= verb.i < end:
            continue
        candidates.append((not marked, start, end))
    if candidates:
        _, start, end = min(candidates, key=lambda c: c[0])
        return start, end
    # "NBC News reported on Tuesday, citing ..., that the U.S. does not believe ...": the parser
    # makes the speech verb a ccomp of the reported clause's verb.
    head = verb.head
    if verb.dep_ == "ccomp" and head.i > verb.i:
        mark = next((c for c in head.children if c.dep_ == "mark" and c.lower_ == "that" and c.i > verb.i), None)
        if mark is not None and verb.right_edge.i < mark.i:
            return mark.i, head.right_edge.i + 1
    return None


def _not_said(verb: Token) -> bool:
    """True when the text reports that something was not said: "did not state that ...",
    "never said", "declined to say whether", "refused to confirm"."""
    if any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and (
        head.lemma_.casefold() in _REFUSAL_LEMMAS or any(c.dep_ == "neg" for c in head.children)
    )


def _indirect_quotes(
    doc: Doc, regions: Sequence[Span], by_cue: dict[Span, SourceRef], ctx: SourceContext
) -> list[Quote]:
    text = doc.text
    out: list[Quote] = []
    for verb in doc:
        if not verb.tag_.startswith("VB") or verb.lemma_.casefold() not in SPEECH_LEMMAS:
            continue
        if _inside(verb.idx, regions) or _not_said(verb):
            continue
        bounds = _content_bounds(doc, text, verb)
        if bounds is None:
            continue
        start, end = bounds
        line_lo, line_hi = _line_bounds(text, verb.idx)
        while start < end and (doc[start].idx < line_lo or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].idx >= line_hi or doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        # "that" opening the clause is the complementizer (sometimes tagged WDT), unless it
        # determines a noun ("said that plan ...").
        if start < end and doc[start].lower_ == "that" and doc[start].dep_ != "det":
            start += 1
        if end - start < 3:
            continue
        span = Span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
        if any(span.overlaps(r) for r in regions):
            continue
        cue = Span(verb.idx, verb.idx + len(verb.text))
        speaker = by_cue.get(cue) or source_of_cue(doc, verb, ctx)
        if speaker is None:
            continue
        out.append(Quote(span=span, text=span.of(text), kind="indirect", speaker=speaker, cue=cue))
    return out
