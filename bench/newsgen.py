"""Generated news: many short stories, each told by a few outlets, for scale and property tests.

Every event is drawn from a seeded generator: a kind of event (a closure, a vote, an accident
...), fictional places, people and bodies, numbers and a date. Each outlet telling it picks
some of the event's facts and words them with one of several phrasings, so the articles of one
event share facts but not sentences, and articles of different events share little but the
phrasing. The templates and names are written for this project.

    from bench.newsgen import records, long_text
    rows = records(10_000)         # JSONL-ready dicts: outlet, title, published, text, url
    text = long_text(200_000)      # one long article of about that many characters
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["records", "long_text", "OUTLETS"]

OUTLETS = (
    "Coastal Press Agency", "Bramcote Courier", "Harbour FM", "Northshore Daily", "Valley Herald",
    "Larkspur Post", "Eastfield Gazette", "Town Radio", "Riverside Ledger", "Moorland Times",
)
_PLACES = (
    "Bramcote", "Skerrow", "Larkspur", "Eastfield", "Tarrow", "Kellmere", "Wexley", "Dunmoor",
    "Ashby Cross", "Fennick", "Holloway Bay", "Marlow Heath", "Saltings", "Corrin", "Pellham",
)
_FIRST = ("Anna", "Owen", "Ruth", "Idris", "Maya", "Tomas", "Grace", "Felix", "Nadia", "Hugo", "Ines", "Callum")
_LAST = ("Tranter", "Okonjo", "Varga", "Lindqvist", "Mbeki", "Harrow", "Quinlan", "Sato", "Ferris", "Delacroix")
_BODIES = ("town council", "harbour board", "health trust", "water authority", "transport office", "school board")
_ROLES = ("mayor", "chair", "spokeswoman", "spokesman", "director", "councillor")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Each kind: a headline, and facts, each fact with phrasings. Slots: {place} {body} {person}
# {role} {n} {m} {day} {thing}.
_KINDS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        "{place} {thing} closed after storm damage",
        (
            ("The {thing} in {place} was closed on {day} after storm damage.",
             "Storm damage forced {place} to close its {thing} on {day}.",
             "Officials shut the {thing} in {place} on {day}, citing damage from the storm."),
            ("Engineers found {n} cracks in the main structure, the {body} said.",
             "The {body} said engineers had found {n} cracks in the structure.",
             "According to the {body}, inspectors counted {n} cracks."),
            ("Repairs are expected to take {m} weeks.",
             "The work could last {m} weeks, officials said.",
             "It will take about {m} weeks to repair, the {body} estimated."),
            ("\u201cWe will not reopen it until it is safe,\u201d said {person}, the {role} of the {body}.",
             "{person}, the {body}'s {role}, said it would stay shut until it was safe.",
             "\u201cSafety comes first,\u201d {person} told reporters."),
            ("Residents have been asked to use the road through {place2} instead.",
             "A detour through {place2} has been set up.",
             "Traffic is being sent through {place2} while the work goes on."),
        ),
    ),
    (
        "{body} in {place} votes on new budget",
        (
            ("The {body} in {place} voted {n} to {m} on {day} to approve a new budget.",
             "On {day} the {place} {body} approved the budget by {n} votes to {m}.",
             "A new budget passed the {body} of {place} on {day}, {n} votes to {m}."),
            ("The plan adds {k} jobs over two years.",
             "Under the plan, {k} jobs will be created over two years.",
             "The budget pays for {k} new posts by the end of the second year."),
            ("\u201cThis is the budget the town asked for,\u201d said {person}, the {role}.",
             "{role_cap} {person} said the budget was what residents had asked for.",
             "{person} welcomed the vote."),
            ("Opponents said the plan would raise local taxes by {n} per cent.",
             "Critics warned of a tax rise of {n} per cent.",
             "Some members argued taxes would go up by {n} per cent."),
        ),
    ),
    (
        "Ferry runs aground off {place}",
        (
            ("A passenger ferry ran aground off {place} on {day} morning.",
             "The ferry struck a sandbank near {place} early on {day}.",
             "On {day} a ferry went aground close to {place}."),
            ("Lifeboat crews took all {k} passengers off the vessel.",
             "All {k} passengers were rescued by lifeboat crews.",
             "Rescuers brought the {k} people on board ashore."),
            ("{n} people were treated for minor injuries, the {body} said.",
             "The {body} said {n} passengers had minor injuries.",
             "Paramedics treated {n} people, according to the {body}."),
            ("Sailings between {place} and {place2} are suspended until further notice.",
             "The operator has stopped sailings to {place2}.",
             "No ferries will run between {place} and {place2} for now."),
            ("\u201cThe sea was calm and everyone kept their heads,\u201d said {person}.",
             "{person}, a passenger, said people had stayed calm.",
             "Passenger {person} described a calm evacuation."),
        ),
    ),
)
_CLOSINGS = (
    "More details are expected from the {body} later this week.",
    "The {body} said it would publish an update on its website.",
    "Residents of {place} can follow the news on the local radio.",
    "This article will be updated as more information becomes available.",
)
_THINGS = ("bridge", "pier", "library", "sports hall", "market hall", "footbridge", "swimming pool")


def _event(rng: random.Random, k: int) -> dict[str, Any]:
    place, place2 = rng.sample(_PLACES, 2)
    role = rng.choice(_ROLES)
    return {
        "kind": rng.randrange(len(_KINDS)),
        "place": place,
        "place2": place2,
        "body": rng.choice(_BODIES),
        "person": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "role": role,
        "role_cap": role.capitalize(),
        "n": rng.randint(2, 40),
        "m": rng.randint(1, 12),
        "k": rng.randint(20, 400),
        "day": rng.choice(_DAYS),
        "thing": rng.choice(_THINGS),
        # events a few days apart, so that dates help keep stories apart as in real news
        "date": datetime(2024, 1, 1, 6, tzinfo=timezone.utc) + timedelta(days=3 * k, hours=rng.randint(0, 40)),
    }


def _article(rng: random.Random, event: dict[str, Any], outlet: str) -> dict[str, Any]:
    headline, facts = _KINDS[event["kind"]]
    chosen = [f for f in facts if rng.random() < 0.8]
    if len(chosen) < 4:  # every article long enough to pass min_chars
        chosen = list(facts[:4])
    sentences = [rng.choice(phrasings).format(**event) for phrasings in chosen]
    sentences.append(rng.choice(_CLOSINGS).format(**event))
    # two or three sentences a paragraph
    paragraphs, k = [], 0
    while k < len(sentences):
        step = rng.choice((1, 2, 2, 3))
        paragraphs.append(" ".join(sentences[k : k + step]))
        k += step
    published = event["date"] + timedelta(hours=rng.randint(1, 30))
    slug = outlet.lower().replace(" ", "-")
    return {
        "outlet": outlet,
        "title": (lambda t: t[:1].upper() + t[1:])(headline.format(**event)),
        "published": published.isoformat(),
        "url": f"https://{slug}.example/{published:%Y/%m/%d}/{rng.randrange(10**6)}",
        "text": "\n\n".join(paragraphs),
    }


def records(n: int, seed: int = 0, outlets_per_event: tuple[int, int] = (2, 4)) -> list[dict[str, Any]]:
    """``n`` article records (JSONL fields), events told by 2-4 outlets each, in event order."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    k = 0
    while len(out) < n:
        event = _event(rng, k)
        k += 1
        for outlet in rng.sample(OUTLETS, rng.randint(*outlets_per_event)):
            out.append(_article(rng, event, outlet))
            if len(out) == n:
                break
    return out


def long_text(chars: int, seed: int = 0) -> str:
    """One article of about ``chars`` characters (not more): many events' paragraphs in a row,
    as a long live blog or a digest would run."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    k = 0
    while True:
        body = _article(rng, _event(rng, k), "Long Read")["text"]
        k += 1
        if size + len(body) + 2 > chars:
            return "\n\n".join(parts)
        parts.append(body)
        size += len(body) + 2
