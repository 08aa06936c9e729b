"""An article's spaCy parse, kept in compact form and rebuilt without running the model.

The parse is the expensive part of the whole pipeline, and the understand stage already made
it; later stages (framing, events) read the roles of claims from it instead of parsing the
claim texts again. :func:`compact_parse` keeps what those stages read — tokens, tags, parts of
speech, dependencies, lemmas, entities — as an :class:`ArticleParse` (plain strings, so it goes
into the store's JSON and through pickling to worker processes cheaply); :func:`rebuild_doc`
gives back a ``Doc`` over the article's text with the same attributes, built by spaCy's ``Doc``
constructor (no model runs; rebuilding a 700-token article takes about a millisecond).
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from storylens.model import ArticleParse

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

__all__ = ["compact_parse", "rebuild_doc", "parse_vocab", "ParseMismatch"]

log = logging.getLogger(__name__)


class ParseMismatch(ValueError):
    """A compact parse does not fit the text it is rebuilt over."""


@functools.lru_cache(maxsize=1)
def parse_vocab() -> "Vocab":
    """The vocabulary rebuilt parses share: a blank English one (rebuilding needs its strings
    and lexical attributes, not the model, so it is not loaded for this)."""
    import spacy

    return spacy.blank("en").vocab


def _word(text: str) -> str:
    # labels and lemmas are joined by spaces; none of spaCy's contain one, but a lemma could
    return text.replace(" ", "_") if text else text


def compact_parse(doc: "Doc") -> ArticleParse:
    """The compact form of ``doc`` (see the module docstring)."""
    return ArticleParse(
        lengths=" ".join(str(len(t.text)) for t in doc),
        spaces="".join("1" if t.whitespace_ else "0" for t in doc),
        tags=" ".join(_word(t.tag_) for t in doc),
        pos=" ".join(_word(t.pos_) for t in doc),
        deps=" ".join(_word(t.dep_) for t in doc),
        heads=" ".join(str(t.head.i - t.i) for t in doc),
        lemmas=" ".join("" if t.is_space else _word(t.lemma_) for t in doc),
        ents=" ".join(f"{e.start}:{e.end}:{_word(e.label_)}" for e in doc.ents),
    )


def rebuild_doc(parse: ArticleParse, text: str, vocab: "Vocab") -> "Doc":
    """The ``Doc`` of ``text`` with the attributes kept in ``parse``; its ``text`` is ``text``.

    Raises :class:`ParseMismatch` when the parse's tokens do not tile ``text`` exactly.
    """
    from spacy.tokens import Doc

    lengths = [int(n) for n in parse.lengths.split(" ")] if parse.lengths else []
    n = len(lengths)
    fields = {name: getattr(parse, name).split(" ") if n else [] for name in ("tags", "pos", "deps", "heads", "lemmas")}
    if len(parse.spaces) != n or any(len(v) != n for v in fields.values()):
        raise ParseMismatch(f"the parse has fields of different lengths (tokens: {n})")
    words: list[str] = []
    spaces: list[bool] = []
    at = 0
    for length, space in zip(lengths, parse.spaces):
        words.append(text[at : at + length])
        at += length
        spaces.append(space == "1")
        at += space == "1"
    if at != len(text):
        raise ParseMismatch(f"the parse covers {at} characters of a text of {len(text)}")
    lemmas = [lemma or word for lemma, word in zip(fields["lemmas"], words)]
    ents = ["O"] * n
    for item in parse.ents.split(" ") if parse.ents else ():
        first, end, label = item.split(":", 2)
        ents[int(first)] = f"B-{label}"
        for k in range(int(first) + 1, int(end)):
            ents[k] = f"I-{label}"
    doc = Doc(
        vocab,
        words=words,
        spaces=spaces,
        tags=fields["tags"],
        pos=fields["pos"],
        deps=fields["deps"],
        heads=[i + int(h) for i, h in enumerate(fields["heads"])],
        lemmas=lemmas,
        ents=ents,
    )
    if doc.text != text:
        raise ParseMismatch("the rebuilt parse does not reproduce the text")
    return doc
