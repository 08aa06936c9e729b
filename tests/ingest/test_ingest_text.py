"""Text cleanup, front matter and text-file reading (tests for storylens.ingest.text)."""

from __future__ import annotations

import codecs
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storylens.ingest import (
    BadFrontMatter,
    BinaryInput,
    EmptyInput,
    EncodingProblem,
    InputNotFound,
    TooLarge,
    TooShort,
    make_article,
    paragraph_spans,
)
from storylens.ingest.text import clean_text, date_from_url, read_text_file, split_front_matter
from storylens.model import Outlet, text_id
from storylens.settings import Settings

P1 = (
    "The Larkspur council voted on Monday to close the old harbor bridge to trucks, citing a "
    "structural survey that found corrosion in two of its five supports."
)
P2 = (
    "Mayor Ines Calder said the closure would last “at least until the spring,” and that a "
    "detour through the industrial zone would add about 12 minutes to most deliveries."
)
P3 = "Engineers are expected to present repair options to the council at its next meeting in February."


def _body_units(body: str) -> list[str]:
    return body.split("\n\n")


# --- the seeds --------------------------------------------------------------------------------


def test_seed_000_headline_section_and_leftovers(seed_paths: list[Path]) -> None:
    raw = next(p for p in seed_paths if p.name.startswith("000_")).read_text(encoding="utf-8")
    cleaned = clean_text(raw)
    assert cleaned.title == "Netanyahu vetoes Gallant’s visit to Washington, refuses to share retaliation plans with US"
    assert cleaned.section == "MIDDLE EAST"
    units = _body_units(cleaned.body)
    for leftover in ("MOST READ", "Exit mobile version", "Published", "on", "MIDDLE EAST", cleaned.title):
        assert leftover not in units
    assert "WSJ: Israel withholds retaliation details from the US" in units
    assert "Netanyahu and Biden to hold phone call" in units
    assert units[0].startswith("Israeli Prime Minister Benjamin Netanyahu has vetoed")
    assert units[-1].endswith("share detailed plans ahead of time.")
    assert set(cleaned.removed) == {"MOST READ", "Exit mobile version", "Published", "on"}
    # typographic quotes are kept as they are
    assert "“Excuse me, what did you say?”" in cleaned.body


def test_seed_003_has_no_headline(seed_paths: list[Path]) -> None:
    raw = next(p for p in seed_paths if p.name.startswith("003_")).read_text(encoding="utf-8")
    cleaned = clean_text(raw)
    assert cleaned.title is None
    assert cleaned.section is None
    assert cleaned.body.startswith("Jerusalem is not sharing")
    # one paragraph per line in the source, subheading included
    units = _body_units(cleaned.body)
    assert len(units) == len([x for x in raw.splitlines() if x.strip()])
    assert "U.S., Arab countries discussing comprehensive ceasefire" in units


def test_seed_files_become_articles(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        article = read_text_file(path, Settings())
        assert article.outlet.name == path.stem
        assert article.id == text_id(article.text)
        assert article.origin == str(path)
        for span in article.paragraphs:
            para = article.text[span.start : span.end]
            assert para and para == para.strip()
        assert [article.text[s.start : s.end] for s in article.paragraphs] == article.text.split("\n\n")


# --- cleanup cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title", "body", "removed"),
    [
        pytest.param(
            f"Bridge closed to trucks\n\nBy Ana Ruiz\n\nUpdated: March 3, 2024 10:15 am\n\n{P1}\n\n{P2}",
            "Bridge closed to trucks",
            [P1, P2],
            ["Updated: March 3, 2024 10:15 am"],
            id="byline-and-updated",
        ),
        pytest.param(
            f"Bridge closed to trucks\n\nPublished on 3 March 2024\n\n5 min read\n\n{P1}\n\nAdvertisement\n\n{P2}\n\n"
            "Read more: Council approves new library hours\n\n"
            f"{P3}\n\nSign up for our free newsletter\n\nShare this article\n\n© 2024 Larkspur Post",
            "Bridge closed to trucks",
            [P1, P2, P3],
            [
                "Published on 3 March 2024",
                "5 min read",
                "Advertisement",
                "Read more: Council approves new library hours",
                "Sign up for our free newsletter",
                "Share this article",
                "© 2024 Larkspur Post",
            ],
            id="scraped-page",
        ),
        pytest.param(
            f"Home > News > Local\n\nBridge closed to trucks\n\n{P1}\n\n{P2}\n\nRelated articles\n\n"
            "Library hours extended\n\nStorm warning for the weekend",
            "Bridge closed to trucks",
            [P1, P2],
            ["Home > News > Local", "Related articles", "Library hours extended", "Storm warning for the weekend"],
            id="breadcrumb-and-related-list",
        ),
        pytest.param(
            f"{P1}\n\n{P2}\n\nClick here to read the full report",
            None,
            [P1, P2],
            ["Click here to read the full report"],
            id="no-headline-click-here-tail",
        ),
        pytest.param(
            f"“We will not reopen it,” the mayor said.\n\n{P1}",
            None,
            ["“We will not reopen it,” the mayor said.", P1],
            [],
            id="quote-ending-first-line-is-not-a-title",
        ),
        pytest.param(
            # Prose that starts like boilerplate stays.
            "Subscribers to the ferry pass will get a refund for March, the authority said on Tuesday.\n\n"
            "Sign up rates for the new commuter card fell by a third after the fare rise in January.\n\n"
            "Share prices of the operator dropped 4 percent on the news, trading data showed.\n\n"
            "By Tuesday evening, the queue at the terminal had grown to more than 300 cars.\n\n"
            "On Wednesday, the authority said it would add two extra boats.",
            None,
            [
                "Subscribers to the ferry pass will get a refund for March, the authority said on Tuesday.",
                "Sign up rates for the new commuter card fell by a third after the fare rise in January.",
                "Share prices of the operator dropped 4 percent on the news, trading data showed.",
                "By Tuesday evening, the queue at the terminal had grown to more than 300 cars.",
                "On Wednesday, the authority said it would add two extra boats.",
            ],
            [],
            id="prose-that-looks-like-boilerplate",
        ),
        pytest.param(
            # Hard-wrapped paragraphs are joined, paragraphs stay apart.
            "The council voted on Monday to close the old harbor bridge\n"
            "to trucks, citing a structural survey that found corrosion in\n"
            "two of its five supports.\n\n"
            "Engineers are expected to present repair options to the\n"
            "council at its next meeting in February.",
            None,
            [
                "The council voted on Monday to close the old harbor bridge to trucks, citing a structural "
                "survey that found corrosion in two of its five supports.",
                "Engineers are expected to present repair options to the council at its next meeting in February.",
            ],
            [],
            id="hard-wrapped",
        ),
        pytest.param(
            f"  Bridge \u00a0closed\tto trucks  \r\n\r\n\u200b{P1}   \r\n\r\n\r\n{P2}\r\n",
            "Bridge closed to trucks",
            [P1, P2],
            [],
            id="whitespace-and-crlf",
        ),
    ],
)
def test_clean_text_cases(raw: str, title: str | None, body: list[str], removed: list[str]) -> None:
    cleaned = clean_text(raw)
    assert cleaned.title == title
    assert _body_units(cleaned.body) == body
    assert sorted(cleaned.removed) == sorted(removed)


def test_byline_is_extracted() -> None:
    cleaned = clean_text(f"Bridge closed to trucks\n\nBy Ana Ruiz and Tom Hale, Larkspur Post\n\n{P1}")
    assert cleaned.byline == "Ana Ruiz and Tom Hale, Larkspur Post"
    assert cleaned.body == P1


def test_known_title_disables_headline_detection_and_drops_repeat() -> None:
    raw = f"Bridge closed to trucks\n\nA short standfirst line\n\n{P1}"
    cleaned = clean_text(raw, known_title="Bridge closed to trucks")
    assert cleaned.title is None
    assert _body_units(cleaned.body) == ["A short standfirst line", P1]
    cleaned = clean_text(f"A short standfirst line\n\n{P1}", headline=False)
    assert _body_units(cleaned.body) == ["A short standfirst line", P1]


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        # the title printed as the body's first line with a stop, its closing quote moved
        (f"Harbour Council Calls Toll Plan ‘A Disgrace.’\n\n{P1}", "Harbour Council Calls Toll Plan ‘A Disgrace’"),
        # a headline and its deck joined in the title, two lines in the body
        (f"Bridge closed to trucks; \nRepairs to take a year.\n\n{P1}", "Bridge closed to trucks; Repairs to take a year"),
    ],
)
def test_a_known_title_is_dropped_from_the_body_whatever_its_stops(raw: str, title: str) -> None:
    assert _body_units(clean_text(raw, known_title=title).body) == [P1]


def test_a_title_without_letters_drops_nothing() -> None:
    raw = f"{P1}\n\n***\n\n{P1} Again."
    assert _body_units(clean_text(raw, known_title="—").body) == _body_units(clean_text(raw).body)


def test_a_body_line_that_only_starts_like_the_title_stays() -> None:
    raw = f"Bridge closed to trucks after the storm, the council said.\n\n{P1}"
    assert _body_units(clean_text(raw, known_title="Bridge closed to trucks").body)[0].startswith("Bridge closed")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/news/2024/10/09/story-slug", datetime(2024, 10, 9)),
        ("https://example.org/2023-1-5/story", datetime(2023, 1, 5)),
        ("https://example.org/news/story-12345", None),
        ("https://example.org/2024/13/40/story", None),
        (None, None),
    ],
)
def test_date_from_url(url: str | None, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


# --- paragraphs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("one\n\ntwo\n\n\nthree", ["one", "two", "three"]),
        ("  one  \n \n two ", ["one", "two"]),
        ("one\ntwo\n\nthree", ["one\ntwo", "three"]),
        ("line one\nline two\n", ["line one", "line two"]),
        ("", []),
    ],
)
def test_paragraph_spans(text: str, paragraphs: list[str]) -> None:
    assert [s.of(text) for s in paragraph_spans(text)] == paragraphs


def test_make_article() -> None:
    text = f"{P1}\n\n{P2}"
    article = make_article(text, outlet=Outlet("Larkspur Post"), title="T", origin="x.txt", published=datetime(2024, 3, 3))
    assert article.id == text_id(text)
    assert article.published_how == "metadata"
    assert [s.of(text) for s in article.paragraphs] == [P1, P2]
    assert article.language == "en" and article.meta == {}


# --- front matter -----------------------------------------------------------------------------


def test_front_matter_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(
        "---\n"
        "outlet: Reuters\n"
        "url: https://www.reuters.com/world/bridge-closed\n"
        'title: "Larkspur closes bridge: trucks diverted"\n'
        "published: 2024-03-03T10:15:00+01:00\n"
        "byline: Ana Ruiz\n"
        "desk: Europe\n"
        "---\n"
        f"Short first line\n\n{P1}\n\n{P2}\n",
        encoding="utf-8",
    )
    article = read_text_file(path, Settings())
    assert article.title == "Larkspur closes bridge: trucks diverted"
    assert article.outlet == Outlet("Reuters", "reuters.com", "wire")
    assert article.url == "https://www.reuters.com/world/bridge-closed"
    assert article.published == datetime(2024, 3, 3, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    assert article.published_how == "metadata"
    assert article.byline == "Ana Ruiz"
    assert article.meta["desk"] == "Europe"
    # with a title given, the first body line is body, not a headline
    assert article.text.startswith("Short first line\n\n")


def test_front_matter_domain_and_kind(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"---\ndomain: www.larkspur-post.example\nkind: regional\n---\n{P1}\n\n{P2}", encoding="utf-8")
    article = read_text_file(path, Settings())
    assert article.outlet == Outlet("larkspur-post.example", "larkspur-post.example", "regional")
    assert article.title is None


@pytest.mark.parametrize(
    "raw",
    [
        "No front matter here\n---\nkey: value\n---\n",
        "---\nthis line is prose, not a key value pair\n---\nbody",
        "---\nkey: value\nnever closed\n",
    ],
)
def test_not_front_matter(raw: str) -> None:
    assert split_front_matter(raw) == ({}, raw)


def test_bad_front_matter_date(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"---\npublished: last Tuesday\n---\n{P1}\n\n{P2}", encoding="utf-8")
    with pytest.raises(BadFrontMatter, match="published: not an ISO 8601"):
        read_text_file(path, Settings())


def test_user_published_fallback(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"{P1}\n\n{P2}", encoding="utf-8")
    when = datetime(2024, 3, 4, 12, 0)
    article = read_text_file(path, Settings(published=when))
    assert (article.published, article.published_how) == (when.replace(tzinfo=timezone.utc), "user")
    dated = tmp_path / "dated.txt"
    dated.write_text(f"---\npublished: 2024-03-01\n---\n{P1}\n\n{P2}", encoding="utf-8")
    article = read_text_file(dated, Settings(published=when))
    assert (article.published, article.published_how) == (datetime(2024, 3, 1, tzinfo=timezone.utc), "metadata")


# --- bad files --------------------------------------------------------------------------------

GOOD = f"Bridge closed to trucks\n\n{P1}\n\n{P2}\n\n{P3}\n"


@pytest.mark.parametrize(
    ("data", "settings", "error", "reason"),
    [
        (b"", Settings(), EmptyInput, "empty file"),
        (b"  \n\n \t\n", Settings(), EmptyInput, "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Settings(), BinaryInput, "PNG image"),
        (b"some text\x00\x01\x02 more", Settings(), BinaryInput, "NUL bytes"),
        (b"%PDF-1.7\n", Settings(), BinaryInput, "PDF"),
        (
            "Caf\u00e9 owners say \u201cno\u201d to the plan. ".encode("cp1252") * 10,
            Settings(),
            EncodingProblem,
            "not UTF-8 text: invalid byte 0xe9 at offset 3 (it looks like Latin-1/Windows-1252); re-save the file as UTF-8",
        ),
        (b"Too short to be an article.", Settings(), TooShort, "too short: 27 characters after cleanup, minimum is 200"),
        (GOOD.encode("utf-8"), Settings(max_bytes=100), TooLarge, f"file too large: {len(GOOD.encode())} bytes, limit is 100"),
    ],
    ids=["empty", "whitespace", "png", "nul", "pdf", "cp1252", "too-short", "too-large"],
)
def test_bad_text_files(tmp_path: Path, data: bytes, settings: Settings, error: type[Exception], reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(error) as info:
        read_text_file(path, settings)
    assert reason in info.value.reason


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="no such file"):
        read_text_file(tmp_path / "missing.txt", Settings())


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + GOOD.encode("utf-8"),
        codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + GOOD.encode("utf-32-le"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be", "utf-32-le"],
)
def test_unicode_with_bom_is_fine(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(data)
    article = read_text_file(path, Settings())
    assert article.title == "Bridge closed to trucks"
    assert article.text == f"{P1}\n\n{P2}\n\n{P3}"


@pytest.mark.parametrize(
    "credit",
    [
        "(Reporting by Mira Okonkwo and Tam Reyes in Larkspur; Editing by Jo Brandt)",
        "Reporting by Mira Okonkwo; additional reporting by Tam Reyes, with reporting by Ana de la Vega, editing by Jo Brandt.",
        "Tam Reyes contributed reporting from Larkspur.",
        "Mira Okonkwo, Ana de la Vega and The Associated Press contributed to this report.",
    ],
)
def test_a_wire_credit_line_is_not_article_text(credit: str) -> None:
    body = (
        "The Larkspur Port Authority on Wednesday postponed the ferry expansion by six months, after "
        "board members could not agree on how to pay for two new vessels.\n\n"
        "The authority said it would seek a state grant of up to $40 million to cover part of the cost.\n\n"
        f"{credit}"
    )
    cleaned = clean_text(body, headline=False)
    assert credit not in cleaned.body and credit in cleaned.removed
    # a sentence that only starts like one stays
    kept = body.replace(credit, "Reporting by the Larkspur Ledger found that the grant was never requested.")
    assert "Reporting by the Larkspur Ledger found" in clean_text(kept, headline=False).body
    # a sentence about who contributed money or work is the story, not a credit
    for story in ("Two former board members contributed reporting tools to the inquiry.",
                  "Mayor Tam Reyes said she contributed to the report on the ferry's costs."):
        assert story in clean_text(body.replace(credit, story), headline=False).body


def test_sentences_in_which_the_page_talks_about_itself_are_not_article_text() -> None:
    story = (
        "The Larkspur Port Authority on Wednesday postponed the ferry expansion by six months, after "
        "board members could not agree on how to pay for two new vessels."
    )
    talk = [
        "Like this story? Share it with a friend!",
        "Editor's note: This story was updated at 5:45 p.m. ET to include the vote.",
        "This article was originally published by Harbour Weekly. Read the original article.",
        "Originally published on Harbour Weekly.",
        "Get the day's top headlines delivered to your inbox. Subscribe to our newsletters.",
        "Disclosure: The Ledger may earn a commission from products featured on this page.",
    ]
    bio = "Mira Okonkwo covers the port for the Ledger. Follow her on Twitter @mokonkwo."
    kept = "Sign up for the new ferry passes was slow, the authority said."
    cleaned = clean_text("\n\n".join([story, *talk, bio, kept]), headline=False)
    assert cleaned.body.split("\n\n") == [story, "Mira Okonkwo covers the port for the Ledger.", kept]
    assert "Follow her on Twitter @mokonkwo." in cleaned.removed


def test_a_body_the_page_prints_twice_is_kept_once() -> None:
    paras = [
        "The Larkspur Port Authority on Wednesday postponed the ferry expansion by six months, after "
        "board members could not agree on how to pay for two new vessels.",
        "The authority said it would seek a state grant of up to $40 million to cover part of the cost, "
        "and that the current timetable would stay in place until then.",
        "Harbour workers, who had been promised new shifts on the larger boats, said they would ask the "
        "board to explain the delay at its next public meeting in March.",
    ]
    page = "\n\n".join([paras[0], "-", paras[1], "-", paras[2], "Read more", *paras])
    cleaned = clean_text(page, headline=False)
    for p in paras:
        assert cleaned.body.count(p) == 1
    # a week's meal plan repeats short blocks among other text: each day keeps its own
    day = ["Drink 20 to 30 minutes before your workout", "Ferry Fuel Shake, one cup of blueberries and oats",
           "Portion containers: one green, one red, one yellow"]
    plan = "\n\n".join(
        [p for k in range(4) for p in (f"Day {k + 1}: a long walk along the harbour, then breakfast with the crew "
                                       f"of the morning ferry, who talk about the tides and the weather on the sound.", *day)]
    )
    assert clean_text(plan, headline=False).body.count(day[0]) == 4
