"""link_story: speakers and sources point at the story's canonical entities."""

from __future__ import annotations

from storylens.compare import link_story
from storylens.model import Article, ArticleAnalysis, Mention, Outlet, Quote, SourceRef, Span


def _analysis(aid: str, text: str, mentions: list[tuple[str, str]], speaker: str) -> ArticleAnalysis:
    ms, pos = [], 0
    for surface, label in mentions:  # in text order
        i = text.index(surface, pos)
        ms.append(Mention(Span(i, i + len(surface)), surface, label))
        pos = i + len(surface)
    k = text.rindex(speaker)
    ref = SourceRef(Span(k, k + len(speaker)), speaker, "person", name=speaker)
    q = text.index("We")
    quote = Quote(Span(q, q + 6), text[q : q + 6], "direct", speaker=ref)
    article = Article(id=aid, outlet=Outlet(aid), text=text)
    return ArticleAnalysis(article=article, mentions=tuple(ms), sources=(ref,), quotes=(quote,))


def test_a_surname_alone_speaks_for_the_person_named_in_its_own_article():
    rand = _analysis("a", "Rand Vale spoke first. “We won,” Vale said.", [("Rand Vale", "PERSON"), ("Vale", "PERSON")], "Vale")
    ron = _analysis("b", "Ron Vale spoke first. “We won,” Vale said.", [("Ron Vale", "PERSON"), ("Vale", "PERSON")], "Vale")
    entities, (la, lb) = link_story([rand, ron])
    names = {e.id: e.name for e in entities}
    assert names[la.quotes[0].speaker.entity_id] == la.quotes[0].speaker.name == "Rand Vale"
    assert names[lb.quotes[0].speaker.entity_id] == lb.quotes[0].speaker.name == "Ron Vale"
    assert la.sources[0].entity_id == la.quotes[0].speaker.entity_id


def test_name_variants_of_one_speaker_get_one_entity():
    a = _analysis("a", "Bill Tolland spoke. “We won,” Bill Tolland said.", [("Bill Tolland", "PERSON")], "Bill Tolland")
    b = _analysis("b", "William Tolland spoke. “We won,” Tolland said.", [("William Tolland", "PERSON"), ("Tolland", "PERSON")], "Tolland")
    _, (la, lb) = link_story([a, b])
    assert la.quotes[0].speaker.entity_id == lb.quotes[0].speaker.entity_id is not None
