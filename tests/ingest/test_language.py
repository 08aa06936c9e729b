"""Language detection and the language filter (tests for storylens.ingest.language, ingest.apply_language)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from storylens.ingest import apply_language, make_article, read_inputs
from storylens.ingest.language import CONFIDENT, detect_language, language_name, resolve_language
from storylens.model import Article, Outlet, Skipped
from storylens.settings import Settings

EN = (
    "The town council of Harlow Creek approved a new footbridge over the river on Thursday, ending "
    "a dispute that had lasted almost three years. Residents had complained that the old crossing "
    "was unsafe in winter, when the planks froze and the railing wobbled."
)
DE = (
    "Der Gemeinderat von Harlow Creek hat am Donnerstag eine neue Fußgängerbrücke über den Fluss "
    "genehmigt und damit einen Streit beendet, der fast drei Jahre gedauert hatte. Anwohner hatten "
    "sich beklagt, dass der alte Übergang im Winter gefährlich sei, wenn die Bretter gefrieren."
)
FR = (
    "Le conseil municipal de Harlow Creek a approuvé jeudi une nouvelle passerelle au-dessus de la "
    "rivière, mettant fin à un différend qui durait depuis près de trois ans. Les habitants se "
    "plaignaient que l'ancien passage était dangereux en hiver, quand les planches gelaient."
)
ES = (
    "El ayuntamiento de Harlow Creek aprobó el jueves una nueva pasarela sobre el río, poniendo fin "
    "a una disputa que había durado casi tres años. Los vecinos se quejaban de que el antiguo paso "
    "era peligroso en invierno, cuando los tablones se congelaban y la barandilla se movía."
)


@pytest.mark.parametrize(("text", "code"), [(EN, "en"), (DE, "de"), (FR, "fr"), (ES, "es")])
def test_detect_language(text: str, code: str) -> None:
    detected, probability = detect_language(text)
    assert detected == code
    assert CONFIDENT <= probability <= 1.0


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        (DE, "en", ("de", "detected")),  # a site-wide lang="en" does not make a German article English
        (DE, None, ("de", "detected")),
        (EN, "en-GB", ("en", "detected")),
        ("Angela Merkel Berlin", "en", ("en", "declared")),  # too short to trust the detector
        ("Angela Merkel Berlin", "EN_us", ("en", "declared")),
        ("Angela Merkel Berlin", None, (None, "unknown")),
        ("2024 — 12:30 — 7,5 %", "fr", ("fr", "declared")),  # no letters at all
        ("2024 — 12:30", None, (None, "unknown")),
    ],
)
def test_resolve_language(text: str, declared: str | None, expected: tuple[str | None, str]) -> None:
    code, how, probability = resolve_language(text, declared)
    assert (code, how) == expected
    assert 0.0 <= probability <= 1.0


def test_detect_without_letters() -> None:
    assert detect_language("12:30 — 2024") == ("und", 0.0)
    assert detect_language("") == ("und", 0.0)


@pytest.mark.parametrize(("code", "name"), [("de", "de (German)"), ("pcm", "pcm"), (None, "unknown"), ("und", "unknown")])
def test_language_name(code: str | None, name: str) -> None:
    assert language_name(code) == name


def _article(text: str, language: str | None = "en", origin: str = "a.txt") -> Article:
    return make_article(text, outlet=Outlet("Harlow Herald"), origin=origin, language=language)


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (("en",), ["en", "skipped: language is de (German), not analyzed; add it to languages to include it", "skipped: language is fr (French), not analyzed; add it to languages to include it"]),
        (("en", "de"), ["en", "de", "skipped: language is fr (French), not analyzed; add it to languages to include it"]),
        ((), ["en", "de", "fr"]),  # no languages named: every language is analyzed
    ],
)
def test_apply_language(languages: tuple[str, ...], expected: list[str]) -> None:
    items = [_article(EN, origin="en.txt"), Skipped("broken.txt", "empty file"), _article(DE, origin="de.txt"), _article(FR, origin="fr.txt")]
    out = list(apply_language(items, Settings(languages=languages)))
    assert out[1] == Skipped("broken.txt", "empty file")
    got = [x.language if isinstance(x, Article) else f"skipped: {x.reason}" for x in out if x != items[1]]
    assert got == expected
    for x in out:
        if isinstance(x, Skipped) and x.source != "broken.txt":
            assert x.source in ("de.txt", "fr.txt")
        if isinstance(x, Article):
            assert x.meta["language_how"] == "detected" and x.meta["language_confidence"] >= CONFIDENT


def test_unknown_language_is_kept() -> None:
    (out,) = apply_language([_article("12:30 — 2024 — 7,5 % — 3 × 4", language=None)], Settings())
    assert isinstance(out, Article) and out.language is None and out.meta["language_how"] == "unknown"


def test_read_inputs_filters_files_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "de.txt").write_text(DE, encoding="utf-8")
    stdin = io.StringIO(
        json.dumps({"outlet": "Harlow Herald", "text": DE}) + "\n" + json.dumps({"outlet": "Harlow Herald", "text": EN}) + "\n"
    )
    items = list(read_inputs([str(tmp_path), "-"], Settings(min_chars=100), stdin=stdin))
    assert [(type(x).__name__, getattr(x, "source", None) or x.origin) for x in items] == [  # type: ignore[union-attr]
        ("Skipped", str(tmp_path / "de.txt")),
        ("Article", str(tmp_path / "en.txt")),
        ("Skipped", "stdin:1"),
        ("Article", "stdin:2"),
    ]
    assert items[0].reason == "language is de (German), not analyzed; add it to languages to include it"  # type: ignore[union-attr]

    stdin.seek(0)
    both = list(read_inputs([str(tmp_path), "-"], Settings(min_chars=100, languages=("en", "de")), stdin=stdin))
    assert [x.language for x in both if isinstance(x, Article)] == ["de", "en", "de", "en"]
    assert all(isinstance(x, Article) for x in both)
