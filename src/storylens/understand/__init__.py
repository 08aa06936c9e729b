"""The understand stage: one :class:`ArticleAnalysis` per article.

Each kind of finding lives in its own module; this module only runs them in order over one
parse of the article (the spaCy parse is the expensive part and is done once).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable, Iterator

from storylens.model import Article, ArticleAnalysis, Skipped
from storylens.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["analyze_doc", "analyze_articles"]

log = logging.getLogger(__name__)


def analyze_doc(doc: "Doc", article: Article) -> ArticleAnalysis:
    """All findings of one article from its spaCy parse (``doc.text == article.text``)."""
    # imported here so that importing one finding module does not import all of them
    from storylens.understand.claims import find_claims, sentence_spans
    from storylens.understand.entities import find_mentions
    from storylens.understand.parse import compact_parse
    from storylens.understand.quantities import find_quantities
    from storylens.understand.quotes import find_quotes
    from storylens.understand.sourcing import find_sources
    from storylens.understand.time import find_times

    if doc.text != article.text:
        raise ValueError(f"{article.origin}: the parse does not belong to this article")
    sentences = sentence_spans(doc, article.paragraphs)
    mentions = find_mentions(doc)
    sources = find_sources(doc)
    quotes = find_quotes(doc, sources)
    times = find_times(article.text, article.published)
    quantities = find_quantities(doc, exclude=[t.span for t in times])
    claims = find_claims(
        doc,
        article,
        mentions=mentions,
        sources=sources,
        times=times,
        quantities=quantities,
        sentences=sentences,
    )
    return ArticleAnalysis(
        article=article,
        sentences=sentences,
        mentions=mentions,
        quotes=quotes,
        sources=sources,
        times=times,
        quantities=quantities,
        claims=claims,
        parse=compact_parse(doc),
    )


def analyze_articles(
    articles: Iterable[Article], settings: Settings
) -> Iterator[ArticleAnalysis | Skipped]:
    """Analyze articles in order, parsing them in batches with the configured spaCy pipeline.

    An article whose analysis fails is yielded as :class:`Skipped` with the reason; the batch
    goes on.
    """
    from storylens.ingest import too_long_reason
    from storylens.understand.nlp import get_nlp, parse_many

    batch = []
    for article in articles:
        # Readers refuse such texts already; articles built in code meet the limit here, before
        # the parser, whose own length error would end the whole batch (it is raised by the
        # pipe's generator, outside any one article).
        if len(article.text) > settings.max_chars:
            yield Skipped(article.origin or article.id, too_long_reason(len(article.text), settings))
        else:
            batch.append(article)
    get_nlp(settings.spacy_model).max_length = max(settings.max_chars, 1)
    docs = parse_many((a.text for a in batch), settings.spacy_model)
    for article, doc in zip(batch, docs):
        try:
            yield analyze_doc(doc, article)
        except Exception as exc:  # one bad article must never stop the batch
            log.exception("%s: analysis failed", article.origin)
            yield Skipped(article.origin or article.id, f"analysis failed: {type(exc).__name__}: {exc}")
