"""HTML pages (tests for storylens.ingest.html)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from storylens.ingest import NoArticleText, TooShort
from storylens.ingest.html import article_from_html, decode_html, read_html_file
from storylens.model import Outlet
from storylens.settings import Settings

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "ingest" / "harbor_gazette.html"

PARAS = [
    "The Larkspur Port Authority on Wednesday postponed a planned expansion of the island ferry "
    "service by at least six months, after board members could not agree on how to pay for two new vessels.",
    "The authority said it would seek a state grant of up to $40 million to cover part of the cost, "
    "a request that regional lawmakers are expected to consider next month.",
]


def _page(head: str = "", body_extra: str = "", charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>Ferry plan delayed</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Ferry plan delayed</h1>{paras}{body_extra}</article>"
        f"<footer><p>© 2024 Example Media. All rights reserved.</p></footer></body></html>"
    )


def test_fixture_page() -> None:
    article = read_html_file(FIXTURE, Settings())
    assert article.title == "Port authority delays Larkspur ferry expansion after budget row"
    assert article.outlet == Outlet("The Harbor Gazette", "harborgazette.example", None)
    assert article.published == datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc)
    assert article.published_how == "metadata"
    assert article.byline == "Mira Okonkwo"
    assert article.url == "https://www.harborgazette.example/news/2024/03/14/larkspur-ferry-delay"
    assert article.origin == str(FIXTURE)
    paras = [s.of(article.text) for s in article.paragraphs]
    assert paras[0].startswith("The Larkspur Port Authority on Wednesday postponed")
    assert paras[-1].startswith("The authority said it would seek a state grant")
    assert "Commuters frustrated" in paras  # the subheading stays
    assert len(paras) == 6
    assert article.text == "\n\n".join(paras)
    for boilerplate in ("Advertisement", "Most read", "Subscribe", "Sign up", "Home", "Privacy policy", "©",
                        "Council approves new library hours", article.title):
        assert boilerplate not in paras
        assert boilerplate not in article.text or boilerplate == "Home"
    assert "“cannot sign a contract it cannot fund,”" in article.text


def test_a_page_file_without_site_name_or_url_is_named_by_its_file(tmp_path: Path) -> None:
    # two such pages of two sites must not read as one outlet "unknown"
    for name in ("larkspur-news.html", "ferry-blog.html.gz"):
        path = tmp_path / name
        data = _page().encode()
        if name.endswith(".gz"):
            import gzip

            data = gzip.compress(data)
        path.write_bytes(data)
    got = [read_html_file(tmp_path / n, Settings()).outlet.name for n in ("larkspur-news.html", "ferry-blog.html.gz")]
    assert got == ["larkspur-news", "ferry-blog"]
    assert read_html_file(tmp_path / "larkspur-news.html", Settings(outlet="Larkspur Times")).outlet.name == "Larkspur Times"
    # a page with a URL keeps the outlet its URL names
    assert article_from_html(_page(), origin="x", settings=Settings(), url="https://www.reuters.com/a").outlet.name == "Reuters"


def test_site_name_and_address_parsed_into_the_body_still_name_the_outlet(tmp_path: Path) -> None:
    # a stray element early in the head ends it for the parser: the meta tags after it land in
    # the body, where the extraction library does not look for them
    head = (
        '<div class="ad-slot"></div><meta property="og:site_name" content="Larkspur Ledger">'
        '<link rel="canonical" href="https://www.larkspurledger.example/2024/03/ferry">'
    )
    path = tmp_path / "0f3a9c.html"
    path.write_text(_page(head=head), encoding="utf-8")
    article = read_html_file(path, Settings())
    assert article.outlet == Outlet("Larkspur Ledger", "larkspurledger.example", None)
    assert article.url == "https://www.larkspurledger.example/2024/03/ferry"
    # a relative canonical link names no site: the file still does
    path.write_text(_page(head='<div></div><link rel="canonical" href="/2024/03/ferry">'), encoding="utf-8")
    assert read_html_file(path, Settings()).outlet.name == "0f3a9c"


def test_a_site_name_with_a_tagline_names_the_outlet_without_it() -> None:
    head = '<meta property="og:site_name" content="Larkspur Ledger | The island\'s own paper">'
    article = article_from_html(_page(head=head), origin="page", settings=Settings())
    assert article.outlet.name == "Larkspur Ledger"


def test_publisher_from_url_when_no_site_name() -> None:
    article = article_from_html(_page(), origin="page", settings=Settings(), url="https://www.reuters.com/world/ferry")
    assert article.outlet == Outlet("Reuters", "reuters.com", "wire")
    assert article.text == "\n\n".join(PARAS)
    assert article.title == "Ferry plan delayed"


@pytest.mark.parametrize(
    ("head", "expected", "how"),
    [
        ('<meta property="article:published_time" content="2024-03-14T09:30:00Z">',
         datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc), "metadata"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-02-01T08:00:00+00:00"}</script>',
         datetime(2024, 2, 1, 8, 0, tzinfo=timezone.utc), "metadata"),
        ('<meta name="date" content="2023-11-20">', datetime(2023, 11, 20, tzinfo=timezone.utc), "metadata"),
        ("", None, None),
    ],
    ids=["og-time", "json-ld", "date-only", "none"],
)
def test_publication_date(head: str, expected: datetime | None, how: str | None) -> None:
    article = article_from_html(_page(head), origin="page", settings=Settings())
    assert article.published == expected
    assert article.published_how == how


def test_user_published_when_page_has_none() -> None:
    when = datetime(2024, 5, 1)
    article = article_from_html(_page(), origin="page", settings=Settings(published=when))
    assert (article.published, article.published_how) == (when.replace(tzinfo=timezone.utc), "user")
    assert article.published_note == "no time zone stated; read as UTC"


def test_date_from_url_when_page_has_none() -> None:
    article = article_from_html(_page(), origin="page", settings=Settings(), url="https://example.org/2024/04/02/ferry")
    assert article.published == datetime(2024, 4, 2, tzinfo=timezone.utc)
    assert article.published_how in ("metadata", "url")


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [("windows-1252", "cp1252"), ("iso-8859-1", "cp1252"), (None, "cp1252"), ("utf-8", "utf-8")],
)
def test_bytes_honour_declared_charset(charset: str | None, encoding: str) -> None:
    page = _page(charset=charset, body_extra="<p>“Café owners are worried about the delay,” said one of them on the quay.</p>")
    data = page.encode(encoding)
    text, used = decode_html(data)
    assert text == page
    article = article_from_html(data, origin="page", settings=Settings())
    assert "“Café owners are worried" in article.text


def test_undeclared_utf8_bytes() -> None:
    page = _page(charset=None, body_extra="<p>“Café owners are worried about the delay,” said one of them.</p>")
    assert decode_html(page.encode("utf-8")) == (page, "utf-8")


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<html><body><nav><a href='/'>Home</a></nav></body></html>", NoArticleText),
        ("   ", NoArticleText),
        ("<html><body><article><p>Too short to keep.</p></article></body></html>", NoArticleText),
    ],
)
def test_no_article_text(html: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        article_from_html(html, origin="page", settings=Settings())


def test_too_short_page() -> None:
    with pytest.raises(TooShort):
        article_from_html(_page(), origin="page", settings=Settings(min_chars=5000))
