"""Claims: the checkable statements of an article, with their attribution, hedging and content.

A claim is a sentence of the article's prose, or one of its coordinated independent clauses (headings, datelines and one-word lines are not
claims), carrying the sources, hedges, entities, quantities and times found inside it and
whether its main verb is negated. Hedges are found here because a hedge qualifies a claim:
"reportedly", "allegedly", "is expected to", "could include", "denied", "claimed".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from storylens.model import Article, Claim, Hedge, Mention, Quantity, SourceRef, Span, TimeRef
from storylens.understand.entities import mention_entity_ids

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["find_claims", "find_hedges", "sentence_spans", "clause_spans", "HEDGE_KINDS"]

# Hedge lexicon. Kinds:
#   hearsay     the author passes on what others say without vouching for it
#   expectation a future or planned event ("is expected to", "is set to")
#   possibility modal uncertainty ("could", "may", "possibly", "appears to")
#   denial      someone rejects the statement ("denied")
#   claim       the author distances themself from an assertion ("claimed", "alleged")
_HEDGE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("hearsay", r"\breportedly\b|\ballegedly\b|\bpurportedly\b|\b(?:is|are|was|were) (?:said|believed|thought|reported|understood) to\b|\breports (?:indicate|suggest)\b|\bsuggests?\b"),
    ("expectation", r"\b(?:is|are|was|were) (?:expected|likely|poised) to\b|\bexpected to\b"),
    ("possibility", r"\b(?:could|may|might)\b|\bpossibly\b|\bperhaps\b|\bprobably\b|\blikely\b|\b(?:appears?|seems?) to\b|\bit is unclear\b|\bunconfirmed\b|\bis considering\b"),
    ("denial", r"\bden(?:y|ies|ied|ying)\b|\brejected\b|\bdismissed\b"),
    ("claim", r"\bclaim(?:s|ed)?\b|\balleg(?:e|es|ed)\b|\binsist(?:s|ed)?\b"),
)
_HEDGE_RE = tuple((kind, re.compile(pat, re.IGNORECASE)) for kind, pat in _HEDGE_PATTERNS)
HEDGE_KINDS = tuple(k for k, _ in _HEDGE_PATTERNS)

# A sentence shorter than this (in word tokens) is a label or fragment, not a checkable claim.
_MIN_WORDS = 5


def find_hedges(text: str, span: Span | None = None) -> tuple[Hedge, ...]:
    """Hedge markers in ``text`` (restricted to ``span`` when given), article offsets."""
    start, end = (span.start, span.end) if span else (0, len(text))
    found: list[Hedge] = []
    for kind, rx in _HEDGE_RE:
        for m in rx.finditer(text, start, end):
            found.append(Hedge(Span(m.start(), m.end()), m.group(0), kind))
    found.sort(key=lambda h: h.span)
    # one marker per position: "is expected to" is an expectation, not also a "likely"
    out: list[Hedge] = []
    for h in found:
        if out and out[-1].span.overlaps(h.span):
            continue
        out.append(h)
    return tuple(out)


def _is_heading(text: str, para: Span) -> bool:
    """A paragraph that is a subheading: short and without sentence-final punctuation."""
    p = text[para.start : para.end].rstrip()
    return len(p) < 120 and not re.search(r"[.!?…]['’”\")\]]*$", p)


def sentence_spans(doc: "Doc", paragraphs: Sequence[Span] = ()) -> tuple[Span, ...]:
    """Sentence spans of the article's prose, trimmed of surrounding whitespace.

    Sentences never cross a paragraph boundary, and subheading paragraphs are left out.
    """
    text = doc.text
    headings = [p for p in paragraphs if _is_heading(text, p)]
    raw: list[Span] = []
    for sent in doc.sents:
        # spaCy may run a sentence across a blank line; cut at paragraph breaks
        s0 = sent.start_char
        for piece in re.split(r"(\n\s*\n)", sent.text):
            if piece and not piece.isspace():
                ps = s0 + (len(piece) - len(piece.lstrip()))
                pe = s0 + len(piece.rstrip())
                if pe > ps:
                    sp = Span(ps, pe)
                    if not any(h.contains(sp) for h in headings):
                        raw.append(sp)
            s0 += len(piece)
    # The small model ends sentences early at brackets inside quotes ("“We want to use this
    # [Biden-Netanyahu] meeting ..."); a piece that does not end like a sentence is joined to the
    # next one when nothing but spaces (no paragraph break) lies between them.
    # It also ends them after an abbreviation that cannot end one: a title before its name
    # ("former Cong. | Rob Simmons"), or a state before a title ("calling for Ariz. | Gov. Jan
    # Brewer to veto ...").
    out: list[Span] = []
    for sp in raw:
        if out and text[out[-1].end : sp.start].strip(" ") == "" and _continues(text[out[-1].start : out[-1].end], text[sp.start : sp.end]):
            out[-1] = Span(out[-1].start, sp.end)
        else:
            out.append(sp)
    return tuple(out)


_SENTENCE_END = re.compile(r"[.!?…:;]['’”\")\]]*$")
# Newswire titles written before a name, and the AP abbreviations of US states.
_TITLE_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Gov|Sen|Rep|Cong|Gen|Lt|Col|Maj|Sgt|Capt|Adm|Cmdr|Dr|Mr|Mrs|Ms|Rev|Prof|Atty|Supt)\.$"
)
_STATE_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|"
    r"Neb|Nev|N\.H|N\.J|N\.M|N\.Y|N\.C|N\.D|Okla|Ore|Pa|R\.I|S\.C|S\.D|Tenn|Vt|Va|Wash|W\.Va|Wis|Wyo)\.$"
)


def _continues(piece: str, following: str) -> bool:
    """Whether ``following`` goes on the sentence ``piece`` the parser ended too early."""
    if not _SENTENCE_END.search(piece):
        return True
    # a quoted question or exclamation and its attribution ("“Who pays?” the mayor asked")
    if re.search(r"[?!][’”\"']$", piece) and following[:1].islower():
        return True
    if _TITLE_ABBREVIATION.search(piece):
        return True
    return bool(_STATE_ABBREVIATION.search(piece)) and (following[:1].islower() or bool(_TITLE_ABBREVIATION.search(" " + following.split(" ", 1)[0])))


def _negated(doc: "Doc", span: Span) -> bool:
    """True when a main verb of the sentence is negated ("did not", "hasn't", "never")."""
    sent = doc.char_span(span.start, span.end, alignment_mode="expand")
    if sent is None:
        return False
    for tok in sent:
        if tok.dep_ != "neg":
            continue
        verb = tok.head
        # the sentence's own verb, or the verb of what a speech verb reports ("said it did not")
        if verb.dep_ == "ROOT" or (verb.dep_ == "ccomp" and verb.head.lemma_ in _SPEECH_LEMMAS):
            return True
    return False


_SPEECH_LEMMAS = frozenset("say tell report state add claim believe know think confirm indicate".split())
_OWN_QUESTION = re.compile(r"\?\s*$")
# "Here's what the early reviews say:": it announces what follows and states nothing itself
_ANNOUNCES = re.compile(r":\s*$")
_QUOTE_MARK = re.compile(r"[\"“”]|(?:^|\s)['‘]|['’](?:\s|$)")


def find_claims(
    doc: "Doc",
    article: Article,
    *,
    mentions: Sequence[Mention] = (),
    sources: Sequence[SourceRef] = (),
    times: Sequence[TimeRef] = (),
    quantities: Sequence[Quantity] = (),
    sentences: Sequence[Span] | None = None,
) -> tuple[Claim, ...]:
    """The claims of one article: its prose sentences with their findings attached."""
    text = article.text
    spans = sentence_spans(doc, article.paragraphs) if sentences is None else sentences
    claims: list[Claim] = []
    for sent in spans:
        sentence = text[sent.start : sent.end]
        if len(re.findall(r"\w+", sentence)) < _MIN_WORDS:
            continue
        # the outlet's own question ("How is the plague spread?", a subhead or a teaser) or
        # announcement ("Here's what the reviews say:") states nothing to check; a question
        # someone is quoted asking is a quote and stays, also inside a quotation opened earlier
        # in the paragraph ("“Why now? Who pays?” she asked": the second has no mark of its own)
        quoted = _QUOTE_MARK.search(sentence) or _inside_quote(text[text.rfind("\n\n", 0, sent.start) + 1 : sent.start])
        if not quoted and (_OWN_QUESTION.search(sentence) or _ANNOUNCES.search(sentence)):
            continue
        # attribution covers the whole sentence: "X reported that A, and B" attributes B too
        sent_sources = tuple(s for s in sources if sent.contains(s.span))
        for sp in clause_spans(doc, sent, text):
            claims.append(
                Claim(
                    id=f"{article.id}:{sp.start}-{sp.end}",
                    article_id=article.id,
                    span=sp,
                    text=text[sp.start : sp.end],
                    sources=sent_sources,
                    hedges=find_hedges(text, sp),
                    entities=mention_entity_ids(mentions, sp),
                    quantities=tuple(q for q in quantities if sp.contains(q.span)),
                    times=tuple(t for t in times if sp.contains(t.span)),
                    negated=_negated(doc, sp),
                    sentence=None if sp == sent else sent,
                )
            )
    return tuple(claims)


_CLAUSE_CC = frozenset({"but", "and", "while", "whereas", "yet"})


def _inside_quote(before: str) -> bool:
    """Whether a quotation opened in ``before`` is still open at its end."""
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def clause_spans(doc: "Doc", sent: Span, text: str | None = None) -> tuple[Span, ...]:
    """A sentence split into its coordinated independent clauses.

    "Gallant was set to meet Austin, but Netanyahu nixed the trip" states two facts that other
    outlets report separately; a split is made only where the second clause has a subject of its
    own and both halves are long enough to be claims. Pass ``text`` (= ``doc.text``) when
    calling per sentence: spaCy rebuilds ``doc.text`` from the tokens on every access.
    """
    text = doc.text if text is None else text
    span = doc.char_span(sent.start, sent.end, alignment_mode="expand")
    if span is None:
        return (sent,)
    root = span.root
    cuts: list[tuple[int, int]] = []  # (end of left clause, start of right clause)
    for tok in root.children:
        if tok.dep_ != "cc" or tok.lower_ not in _CLAUSE_CC:
            continue
        if tok.idx <= sent.start:
            # a coordinator before the sentence ("But, Mr." as its own paragraph, which the
            # parser joined to this one) cannot cut it
            continue
        conj = next((c for c in root.children if c.dep_ == "conj" and c.i > tok.i), None)
        if conj is None or conj.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in conj.children):
            continue
        left_end = tok.idx
        while left_end > sent.start and (text[left_end - 1].isspace() or text[left_end - 1] in ",;"):
            left_end -= 1
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is None or nxt.idx >= sent.end:
            continue
        # a cut inside a quotation would leave a fragment of someone's words as a claim
        # ('"I trust in God," Mr. Obama said, "' and 'but God wants ...')
        if _inside_quote(text[sent.start : tok.idx]):
            continue
        cuts.append((left_end, nxt.idx))
    if not cuts:
        return (sent,)
    out: list[Span] = []
    start = sent.start
    for left_end, right_start in sorted(cuts):
        out.append(Span(start, left_end))
        start = right_start
    out.append(Span(start, sent.end))
    if any(len(re.findall(r"\w+", text[s.start : s.end])) < _MIN_WORDS for s in out):
        return (sent,)
    return tuple(out)
