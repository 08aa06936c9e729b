"""Plain-text articles: reading files safely and cleaning scraped-page leftovers.

:func:`clean_text` is the one paragraph normaliser of the ingest stage: text files, HTML main
text and JSONL records all go through it, so every ``Article.text`` has the same shape —
paragraphs without surrounding whitespace, joined by a blank line.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

from storylens.ingest import (
    BadFrontMatter,
    BinaryInput,
    EmptyInput,
    EncodingProblem,
    check_length,
    file_suffix,
    make_article,
    read_input_bytes,
    with_default_published,
)
from storylens.ingest.outlet import outlet_from
from storylens.model import Article, Outlet
from storylens.settings import Settings

__all__ = [
    "CleanText",
    "clean_text",
    "split_front_matter",
    "read_text_file",
    "read_bytes",
    "decode_text",
    "parse_published",
    "date_from_url",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CleanText:
    """A cleaned article body and what was taken off it."""

    title: str | None
    section: str | None
    body: str
    removed: tuple[str, ...] = ()
    byline: str | None = None


# --- reading bytes ----------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"{\\rtf", "an RTF document"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` announces, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def read_bytes(path: Path, settings: Settings) -> bytes:
    """The bytes of a file, refusing missing, oversized, empty and binary files and non-files."""
    data = read_input_bytes(path, settings)
    check_not_binary(data)
    return data


def check_not_binary(data: bytes) -> None:
    """Raise :class:`EmptyInput` or :class:`BinaryInput` for data that is not text."""
    if not data.strip():
        raise EmptyInput("empty file" if not data else "file holds only whitespace")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BinaryInput(f"binary file: looks like {what}, not text; convert it to text or HTML first")
    # UTF-16/32 text is full of NUL bytes, so the NUL test only applies without such a BOM.
    if bom_encoding(data) in (None, "utf-8-sig") and b"\x00" in data[:8192]:
        raise BinaryInput("binary file: it contains NUL bytes, so it is not text")


def decode_text(data: bytes) -> str:
    """UTF-8 text (a UTF-8, UTF-16 or UTF-32 byte-order mark is honoured); anything else is refused."""
    encoding = bom_encoding(data) or "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1]
        hint = ""
        if encoding == "utf-8":
            try:
                data.decode("cp1252")
                hint = " (it looks like Latin-1/Windows-1252)"
            except UnicodeDecodeError:
                pass
            raise EncodingProblem(
                f"not UTF-8 text: invalid byte 0x{bad.hex()} at offset {exc.start}{hint}; "
                "re-save the file as UTF-8"
            ) from exc
        raise EncodingProblem(
            f"not valid {encoding.upper()} text although it starts with a {encoding.upper()} "
            f"byte-order mark: invalid data at offset {exc.start}; re-save the file as UTF-8"
        ) from exc


# --- front matter -----------------------------------------------------------------------------

_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
# A front matter block longer than this is more likely two "---" rules around prose.
_FRONT_MAX_LINES = 40


def split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """``(fields, rest)`` for text that starts with a ``---`` / ``key: value`` / ``---`` block.

    Text without such a block (or whose block has a line that is not ``key: value``) comes back
    unchanged with no fields.
    """
    text = raw.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, raw
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1 : _FRONT_MAX_LINES + 1], start=1):
        stripped = line.strip()
        if stripped == "---":
            return fields, "\n".join(lines[i + 1 :])
        if not stripped or stripped.startswith("#"):
            continue
        m = _FRONT_KEY.match(stripped)
        if m is None:
            return {}, raw
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[m.group(1).lower().replace("-", "_")] = value
    return {}, raw


def parse_published(value: str, field_name: str = "published") -> datetime:
    """An ISO 8601 date or date-time; raises :class:`BadFrontMatter` naming the field."""
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadFrontMatter(
            f"{field_name}: not an ISO 8601 date/time: {value!r} (expected e.g. 2024-10-09 or "
            "2024-10-09T14:30:00+03:00)"
        ) from exc


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[^\d]|$)")


def date_from_url(url: str | None) -> datetime | None:
    """The publication date many news sites put in their URLs (``/2024/10/09/``), if any."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if m is None:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# --- cleanup ----------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")

# Whole lines that are page furniture wherever they appear: no sentence of an article is
# exactly "Advertisement" or "Share this article".
_FURNITURE = re.compile(
    r"^(?:advertisement|advertising|sponsored|ad|story continues below(?: this)? advertisement|"
    r"continue reading(?: below)?|scroll to continue|exit mobile version|skip to (?:main )?content|"
    r"share this (?:article|story|page)|share(?: on (?:facebook|twitter|x|whatsapp|linkedin|email))?|"
    r"share via|copy link|link copied|print|email|comments?|\d+ comments?|listen(?: to this article)?|"
    r"(?:\d+ min(?:ute)?s? )?read|loading\.*|menu|search|close|toggle navigation|back to top|"
    r"facebook|twitter|x|whatsapp|linkedin|telegram|reddit|"
    r"related(?: articles| stories| content| news| coverage)?:?|read more|read next|see also|"
    r"most read|most popular|most viewed|trending(?: now)?|recommended(?: for you| stories)?|"
    r"more from .{1,40}|you (?:may|might) also like|popular stories|latest news|top stories)$",
    re.IGNORECASE,
)

# Link lines inside a body ("Read more: <other headline>"); the 160 character cap keeps a long
# sentence that happens to start this way.
_LINK_LINE = re.compile(r"^(?:read more|read also|related|see also|also read|watch|listen)\s*:\s*\S", re.IGNORECASE)

# Calls to action: removed anywhere when they mention what is being sold, at the edges always.
_CALL_TO_ACTION = re.compile(r"^(?:sign up|subscribe|click here|tap here|follow us|join us|download (?:our|the) app|get (?:our|the) .{0,30}newsletter)\b", re.IGNORECASE)
_CALL_TO_ACTION_TOPIC = re.compile(
    r"\b(?:newsletter|inbox|e-?mail|subscription|subscribe|free|alerts?|updates|click|app|here|today|now)\b",
    re.IGNORECASE,
)

# Lines after the body that start a list of other articles: everything from them on goes.
_TAIL_MARKER = re.compile(
    r"^(?:most read|most popular|most viewed|related(?: articles| stories| content| coverage)?:?|"
    r"read next|recommended(?: for you| stories)?|you (?:may|might) also like|more from .{1,40}|"
    r"popular stories|trending(?: now)?|latest news|top stories|more stories|more on this story)$",
    re.IGNORECASE,
)

_TAIL_LINE = re.compile(
    r"^(?:©|\(c\)|copyright\b|all rights reserved|tags?\s*:|topics?\s*:|filed under\b|"
    r"categories\s*:|posted in\b|share\b|follow\b|sign up\b|subscribe\b|click here\b|"
    r"have a (?:news )?tip\b|got a tip\b|contact us\b|terms of (?:use|service)\b|privacy policy\b)",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"(?:\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?|\d{1,2}\s*[ap]\.?m\.?)"
_DATE = (
    rf"(?:{_WEEKDAY}\s*)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*(?:\d{{4}})?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s*(?:\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\S+)?|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
)
# Date stamps and "Published"/"Updated" lines of the page header; "on" alone is what is left
# of "Published on <date>" when the date was rendered by a script (seed 000).
_DATELINE = re.compile(
    rf"^(?:(?:first )?(?:published|updated|last updated|posted|modified|date)\s*(?:on|at)?\s*:?\s*)?"
    rf"(?:on\s+)?(?:{_DATE})?(?:\s*(?:,|\||-|–|—|at|/)?\s*{_TIME})?"
    rf"(?:\s*(?:\||·|•|-|–|—)\s*(?:updated|published)\s*:?\s*(?:{_DATE})?(?:\s*(?:,|at)?\s*{_TIME})?)?$",
    re.IGNORECASE,
)
_READING_TIME = re.compile(r"^\d{1,3}\s*(?:-\s*)?min(?:ute)?s?\.?(?:\s+read)?$", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^[\w&' .-]{1,30}(?:\s*[>›»/|]\s*[\w&' .-]{1,30}){1,5}$")
_BYLINE = re.compile(
    r"^[Bb][Yy]:?\s+((?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:,|and|&)\s*(?:[A-Z][\w.'’-]*\s*){1,4}){0,3})"
    r"(?:\s*[,|–—-]\s*[A-Z][\w .&'’-]{0,60})?$"
)
_PHOTO_CREDIT = re.compile(r"^\(?(?:photo|image|picture|credit|file photo)\s*(?:credit)?\s*:.{1,100}$", re.IGNORECASE)

_SECTION_MAX_WORDS = 4
_SECTION_MAX_CHARS = 40
# Headlines in the seeds and in our HTML fixtures run 40-110 characters; 160 leaves room for
# long ones while a first paragraph without final punctuation is rarely that short.
_TITLE_MAX_CHARS = 160
# A unit is prose (article body, not page furniture) when it is a full sentence this long.
_PROSE_MIN_WORDS = 10
_PROSE_ANY_WORDS = 20
# Hard-wrapped text (emails, plain-text exports) has lines of similar, bounded length; lines
# longer than this are whole paragraphs, as in the seeds.
_WRAP_MAX_LINE = 100
_WRAP_MIN_LINE = 30


_MD_HEADING = re.compile(r"^#{1,6}\s+")


def _normalize_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line.translate(_INVISIBLE))
    line = _CONTROL.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    # Markdown headings ("## Subheading") are subheadings; the marker is markup, not text.
    return _MD_HEADING.sub("", line)


def _is_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    if max(len(x) for x in lines) > _WRAP_MAX_LINE:
        return False
    inner = lines[:-1]
    if any(len(x) < _WRAP_MIN_LINE for x in inner):
        return False
    ended = sum(1 for x in inner if _SENTENCE_END.search(x))
    return ended * 2 < len(inner)


def _units(raw: str) -> list[str]:
    """Paragraph candidates: blank-line blocks, split into lines unless the block is hard-wrapped."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [x for x in (_normalize_line(line) for line in block.split("\n")) if x]
        if not lines:
            continue
        if _is_hard_wrapped(lines):
            units.append(" ".join(lines))
        else:
            units.extend(lines)
    return units


def _is_prose(unit: str) -> bool:
    words = len(unit.split())
    return words >= _PROSE_ANY_WORDS or (words >= _PROSE_MIN_WORDS and bool(_SENTENCE_END.search(unit)))


def _is_call_to_action(unit: str, *, edge: bool) -> bool:
    if not _CALL_TO_ACTION.match(unit):
        return False
    return edge or (len(unit) <= 200 and bool(_CALL_TO_ACTION_TOPIC.search(unit)))


# A wire credit line: "(Reporting by A and B; additional reporting by C; Editing by D)". Every
# lowercase word is one of these, the rest are names and places.
_CREDIT_LINE = re.compile(r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research)\s+by\s", re.IGNORECASE)
_CREDIT_WORDS = frozenset(
    "by and with additional reporting editing writing compiled research in from of the for at de da van von der le la".split()
)


# A contributor line: "Keith Bradsher contributed reporting from Hong Kong.", "Jill Colvin and The
# Associated Press contributed to this report." (names only before "contributed").
_CONTRIBUTED = re.compile(
    r"^(?P<names>[^\W\d_][\w.'’-]*(?:,?\s+[\w.'’-]+){0,14}?)\s+contributed\s+"
    r"(?:(?:additional\s+)?(?:reporting|research|writing)\b|to\s+(?:this|the)\s+(?:report|story|article)\b)",
    re.IGNORECASE,
)


def _is_credit_line(unit: str) -> bool:
    if len(unit) > 320:
        return False
    contributed = _CONTRIBUTED.match(unit)
    if contributed:
        credited = contributed["names"]  # only the names before "contributed" are checked
    elif _CREDIT_LINE.match(unit):
        credited = unit
    else:
        return False
    return all(w[0].isupper() or w.casefold() in _CREDIT_WORDS for w in re.findall(r"[^\W\d_]+", credited))


# Sentences in which the page talks to its reader about itself, not about the story: a call to
# action ("Subscribe to our newsletters", see _is_call_to_action) or one of these ("Follow us on
# Twitter @X", "Like this story? Share it with a friend!", "This article was originally published
# by X. Read the original article.", "Editor's note: this story was updated at 5:45 p.m.",
# "Disclosure: X may earn a commission ..."). Each was a "fact" only one outlet reported on the
# extraction-benchmark pages, so every other outlet was listed as omitting it, first.
_SELF_TALK = re.compile(
    r"^(?:for non-personal use|to order (?:multiple )?copies|"
    r"follow (?:us|him|her|them|me)\b.{0,60}(?:twitter|facebook|instagram|linkedin|@)|"
    r"(?:get|start) (?:the|your|our) .{0,60}(?:newsletter|inbox|delivered)|"
    r"you can (?:also )?(?:subscribe|sign up)|like this (?:story|article)\?|share (?:it|this)(?: story| article)? with|"
    r"read the original (?:article|story)|originally published (?:on|by|in|at)\b|"
    r"this (?:article|story|post) (?:was|is|has been) (?:originally |first )?"
    r"(?:published|updated|posted|syndicated)|editor['’]s note\s*:?\s*this (?:story|article)|"
    r"(?:disclosure|disclaimer)\s*:|this copy is for your personal|distribution and use of this material|"
    r"email \w+(?: \w+)? at \S+@\S+)",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?])(?<!\b[ap]\.m\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!U\.S\.)(?<!\bJr\.)(?<!\bNo\.)"
    r"\s+(?=[A-Z“\"‘'(])"
)


def _without_page_talk(unit: str) -> tuple[str, list[str]]:
    """The paragraph without the sentences in which the page talks about itself, and those."""
    sentences = _SENTENCE_SPLIT.split(unit)
    talk = [x for x in sentences if _SELF_TALK.match(x) or _is_call_to_action(x, edge=False)]
    if not talk:
        return unit, []
    return " ".join(x for x in sentences if x not in talk), talk


def _is_anywhere_boilerplate(unit: str) -> bool:
    if _FURNITURE.match(unit) or _is_credit_line(unit):
        return True
    if len(unit) <= 160 and _LINK_LINE.match(unit):
        return True
    return _is_call_to_action(unit, edge=False)


def _is_headline(unit: str) -> bool:
    return len(unit) <= _TITLE_MAX_CHARS and not _SENTENCE_END.search(unit) and not unit.endswith((":", ";", ","))


def _is_byline(unit: str) -> bool:
    return len(unit) <= 120 and not _SENTENCE_END.search(unit) and bool(_BYLINE.match(unit))


def _is_section_label(unit: str) -> bool:
    letters = [c for c in unit if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and len(unit) <= _SECTION_MAX_CHARS
        and len(unit.split()) <= _SECTION_MAX_WORDS
        and not _SENTENCE_END.search(unit)
    )


def _is_header_furniture(unit: str) -> bool:
    return bool(
        _DATELINE.match(unit)
        or _READING_TIME.match(unit)
        or _PHOTO_CREDIT.match(unit)
        or (len(unit) <= 80 and _BREADCRUMB.match(unit) and not _SENTENCE_END.search(unit) and any(s in unit for s in ">›»|"))
    )


# A page that prints its body twice (a mobile and a desktop copy, a body echoed in its metadata)
# would make every paragraph two facts of one outlet. A copy is a run of at least
# _REPEAT_MIN_UNITS paragraphs that repeats an earlier run in order (paragraphs under five
# words, such as "-" separators, are skipped) and holds _REPEAT_MIN_WORDS words and
# _REPEAT_MIN_SHARE of the page's words or more. Short repeats stay: an interview's recurring
# question, the blocks of a week's meal plan ("Drink within 30 minutes after your workout",
# repeated day after day), an embedded tweet's signature are the article's own text.
_REPEAT_MIN_UNITS = 3
_REPEAT_MIN_WORDS = 60
_REPEAT_MIN_SHARE = 0.2


def _repeated_block(units: Sequence[str], keep: Sequence[bool]) -> list[int]:
    """Indices of the units that repeat an earlier run of the page's paragraphs."""
    idx = [i for i, u in enumerate(units) if keep[i] and len(u.split()) >= 5]
    keys = [" ".join(units[i].casefold().split()) for i in idx]
    total = sum(len(units[i].split()) for i in idx)
    first: dict[str, int] = {}
    for k, key in enumerate(keys):
        first.setdefault(key, k)
    out: list[int] = []
    k = 0
    while k < len(keys):
        j = first[keys[k]]
        run = 0
        while k + run < len(keys) and j + run < k and keys[j + run] == keys[k + run]:
            run += 1
        words = sum(len(units[idx[k + t]].split()) for t in range(run))
        if run >= _REPEAT_MIN_UNITS and words >= max(_REPEAT_MIN_WORDS, _REPEAT_MIN_SHARE * total):
            out.extend(idx[k : k + run])
            k += run
        else:
            k += 1
    return out


def _letters(text: str) -> str:
    """A line's letters and digits only, case folded: one title whatever its stops and quotes
    ("... ‘Disgusting Fraud’" / "... ‘Disgusting Fraud.’")."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def clean_text(raw: str, *, headline: bool = True, known_title: str | None = None) -> CleanText:
    """Clean a scraped or pasted article: paragraphs, headline, section label, page leftovers.

    With ``headline=False``, or when ``known_title`` is given (the title is known from front
    matter or HTML metadata), the first line is never taken as the title. Body lines that repeat
    the title are dropped.
    """
    units = _units(raw)
    removed: list[str] = []
    keep = [True] * len(units)

    def drop(i: int) -> None:
        if keep[i]:
            keep[i] = False
            removed.append(units[i])

    for i, unit in enumerate(units):
        if _is_anywhere_boilerplate(unit):
            drop(i)
        elif keep[i]:
            rest, talk = _without_page_talk(unit)
            if talk:
                removed.extend(talk)
                if rest:
                    units[i] = rest
                else:
                    keep[i] = False

    prose = [i for i, u in enumerate(units) if keep[i] and _is_prose(u)]
    first_prose = prose[0] if prose else len(units)
    last_prose = prose[-1] if prose else -1

    # The page header: everything before the first prose paragraph.
    detect_title = headline and known_title is None
    section: str | None = None
    title: str | None = None
    byline: str | None = None
    content_seen = False
    for i in range(first_prose):
        if not keep[i]:
            continue
        unit = units[i]
        if _is_header_furniture(unit) or _is_call_to_action(unit, edge=True) or unit.lower() == "on":
            drop(i)
            continue
        if byline is None and _is_byline(unit):
            byline = re.sub(r"^by:?\s+", "", unit, flags=re.IGNORECASE)
            keep[i] = False
            continue
        if not content_seen and section is None and title is None and _is_section_label(unit):
            section = unit
            keep[i] = False
            continue
        if not content_seen and detect_title and title is None and _is_headline(unit):
            if any(keep[j] for j in range(i + 1, len(units))):
                title = unit
                keep[i] = False
                continue
        # The title must be the first content line: once a line is kept (a standfirst, a short
        # lead), no later header line can become the title.
        content_seen = True

    # The page footer: everything after the last prose paragraph.
    for i in range(last_prose + 1, len(units)):
        if not keep[i] and not _TAIL_MARKER.match(units[i]):
            continue
        unit = units[i]
        if _TAIL_MARKER.match(unit):
            for j in range(i, len(units)):
                drop(j)
            break
        if _TAIL_LINE.match(unit) or _is_call_to_action(unit, edge=True) or _PHOTO_CREDIT.match(unit):
            drop(i)

    repeated = title or known_title
    folded = _letters(repeated) if repeated else ""
    if folded:  # a title of stops and dashes only would match every separator line
        for i, unit in enumerate(units):
            if keep[i] and _letters(unit) == folded:
                drop(i)
        # a title broken over the body's first two lines ("Super PAC haul surges past $1B;" /
        # "Small group of rich donors ...", as some dumps store a headline and its deck)
        head = [i for i in range(len(units)) if keep[i]][:2]
        if len(head) == 2 and _letters(units[head[0]]) + _letters(units[head[1]]) == folded:
            drop(head[0])
            drop(head[1])

    for i in _repeated_block(units, keep):
        drop(i)

    body = "\n\n".join(u for i, u in enumerate(units) if keep[i])
    return CleanText(title=title, section=section, body=body, removed=tuple(removed), byline=byline)


# --- files ------------------------------------------------------------------------------------

_KNOWN_FRONT_KEYS = {"outlet", "url", "title", "published", "byline", "domain", "kind", "language"}


def read_text_file(path: Path, settings: Settings) -> Article:
    """An article from a UTF-8 text file with optional ``---`` front matter.

    Outlet: front matter ``outlet``/``domain``/``url``, else ``settings.outlet``, else the file
    name stem.
    """
    raw = decode_text(read_bytes(path, settings))
    fields, rest = split_front_matter(raw)
    title = fields.get("title") or None
    cleaned = clean_text(rest, known_title=title)
    check_length(cleaned.body, settings)
    url = fields.get("url") or None
    published = parse_published(fields["published"]) if fields.get("published") else None
    how = "metadata" if published is not None else None
    if published is None and (from_url := date_from_url(url)) is not None:
        published, how = from_url, "url"
    outlet = outlet_from(
        fields.get("outlet")
        or (None if (url or fields.get("domain")) else (settings.outlet or path.name[: -len(file_suffix(path))] or path.name)),
        url=url,
        domain=fields.get("domain") or None,
        kind=fields.get("kind") or None,
    )
    meta: dict[str, object] = {k: v for k, v in fields.items() if k not in _KNOWN_FRONT_KEYS}
    article = article_from_clean(
        cleaned,
        outlet=outlet,
        title=title,
        url=url,
        byline=fields.get("byline"),
        published=published,
        published_how=how,
        origin=str(path),
        meta=meta,
        language=fields.get("language") or "en",
    )
    return with_default_published(article, settings)


def article_from_clean(
    cleaned: CleanText,
    *,
    outlet: Outlet,
    title: str | None = None,
    url: str | None = None,
    byline: str | None = None,
    published: datetime | None = None,
    published_how: str | None = None,
    origin: str = "",
    meta: dict[str, object] | None = None,
    language: str = "en",
) -> Article:
    """An article from cleaned text: given metadata wins over what the cleanup found in the text;
    the section label and the removed leftover lines are kept in ``meta`` for auditing."""
    meta = dict(meta or {})
    if cleaned.section:
        meta["section"] = cleaned.section
    if cleaned.removed:
        meta["removed"] = list(cleaned.removed)
    return make_article(
        cleaned.body,
        outlet=outlet,
        title=title or cleaned.title,
        url=url,
        byline=byline or cleaned.byline,
        published=published,
        published_how=published_how,
        origin=origin,
        meta=meta,
        language=language,
    )
