"""A small hand-built Report (fictional outlets and events) that exercises every renderer feature."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storylens.model import (
    Article,
    ClaimRef,
    Conflict,
    Entity,
    Fact,
    FramingNote,
    Mention,
    Omission,
    Outlet,
    Quote,
    Report,
    Skipped,
    SourceRef,
    SourcingProfile,
    Span,
    Story,
    StoryReport,
    TimelineEntry,
    text_id,
)

LEDGER = "Northern Ledger"
WIRE = "Coastline Wire"
# A pipe in an outlet name checks that Markdown table cells are escaped.
POST = "Valley Post | Evening"

TEXT_LEDGER = (
    "The Harwick reservoir dam failed on Tuesday night, flooding 240 homes in the lower valley.\n\n"
    'Mayor Elena Brandt said: "We will rebuild every street." '
    "Two county officials told the Ledger that inspections had been skipped for years.\n\n"
    "Some residents reportedly left before the water arrived in Östby."
)
TEXT_WIRE = (
    "Floodwater from the Harwick dam reached about 310 homes on Tuesday, according to the county "
    'emergency office. "Nobody warned us," one resident said. Officials said the dam had been '
    "inspected in March. <script>alert('x')</script> The governor will visit on Friday."
)
TEXT_POST = (
    "The Harwick dam failed Tuesday. Repairs are expected to cost up to $40 million | a state "
    "engineer said, the highest estimate so far."
)


def sp(text: str, sub: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``sub`` in ``text`` (fails loudly when absent)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span(start, start + len(sub))


def ref(article: Article, sub: str) -> ClaimRef:
    return ClaimRef(article.id, article.outlet.name, sp(article.text, sub), sub, claim_id=f"c-{sub[:8]}")


def word(article: Article, sub: str, nth: int = 0) -> ClaimRef:
    """A framing use: exactly one word (or phrase) of ``article``."""
    return ClaimRef(article.id, article.outlet.name, sp(article.text, sub, nth), sub)


def sample_report() -> Report:
    utc = timezone.utc
    ledger = Article(
        id=text_id(TEXT_LEDGER), outlet=Outlet(LEDGER, "ledger.example", "national"), text=TEXT_LEDGER,
        title="Dam fails, valley floods", url="https://ledger.example/dam",
        published=datetime(2024, 10, 2, 7, 30, tzinfo=utc), published_how="metadata",
        origin="corpus/ledger.html",
    )
    wire = Article(
        id=text_id(TEXT_WIRE), outlet=Outlet(WIRE, "wire.example", "wire"), text=TEXT_WIRE,
        title="Harwick flood: <b>310</b> homes", url=None,
        published=datetime(2024, 10, 1, 22, 5, tzinfo=timezone(timedelta(hours=2))), published_how="text",
        origin="records.jsonl:2",
    )
    post = Article(
        id=text_id(TEXT_POST), outlet=Outlet(POST), text=TEXT_POST, title=None, published=None,
        origin="stdin:1",
    )
    arts = (ledger, wire, post)

    failed = ("The Harwick reservoir dam failed on Tuesday night, flooding 240 homes in the lower valley.")
    f1 = Fact(
        "f1", "The Harwick dam failed on Tuesday",
        (ref(ledger, failed), ref(post, "The Harwick dam failed Tuesday.")),
        {LEDGER: "reported", WIRE: "reported", POST: "reported"}, 3, first_reported=WIRE,
    )
    f2 = Fact(
        "f2", "240 homes were flooded",
        (ref(ledger, failed), ref(wire, "Floodwater from the Harwick dam reached about 310 homes on Tuesday")),
        {LEDGER: "reported", WIRE: "contradicted", POST: "silent"}, 1, first_reported=LEDGER,
    )
    inspections = "Two county officials told the Ledger that inspections had been skipped for years."
    f3 = Fact(
        "f3", "Inspections had been skipped",
        (ref(ledger, inspections), ref(wire, "Officials said the dam had been inspected in March.")),
        {LEDGER: "reported", WIRE: "contradicted"}, 1,
    )
    f4 = Fact(
        "f4", "Residents left before the water arrived",
        (ref(ledger, "Some residents reportedly left before the water arrived in Östby."),),
        {LEDGER: "hedged", WIRE: "related"}, 1, first_reported=LEDGER,
        # a related statement (shown) and a weak resemblance (kept for omissions, not shown)
        related=(ref(wire, '"Nobody warned us," one resident said.'), ref(post, "Repairs are expected to cost up to $40 million")),
        related_confidence=(0.41, 0.12),
    )
    f5 = Fact("f5", "The governor | will visit on Friday", (ref(wire, "The governor will visit on Friday."),),
              {WIRE: "reported"}, 1)
    mayor_sentence = 'Mayor Elena Brandt said: "We will rebuild every street."'
    f6 = Fact("f6", "The mayor promised to rebuild", (ref(ledger, mayor_sentence),), {LEDGER: "reported"}, 1)

    conflict = Conflict(
        "k1", "number", "f2", "homes flooded: 240 (Northern Ledger) vs about 310 (Coastline Wire)",
        (ref(ledger, "flooding 240 homes"), ref(wire, "reached about 310 homes")),
    )
    mayor = SourceRef(sp(TEXT_LEDGER, "Mayor Elena Brandt"), "Mayor Elena Brandt", "person",
                      name="Elena Brandt", entity_id="e2", cue=sp(TEXT_LEDGER, "said"))
    quotes = {
        ledger.id: (Quote(sp(TEXT_LEDGER, '"We will rebuild every street."'), '"We will rebuild every street."',
                          "direct", speaker=mayor, cue=sp(TEXT_LEDGER, "said")),),
        wire.id: (Quote(sp(TEXT_WIRE, '"Nobody warned us,"'), '"Nobody warned us,"', "direct"),),
    }
    sources = {
        ledger.id: (
            SourceRef(sp(TEXT_LEDGER, "Two county officials told the Ledger"), "Two county officials told the Ledger",
                      "anonymous", count=2, role="official", affiliation="county", via=LEDGER,
                      cue=sp(TEXT_LEDGER, "told")),
            mayor,
        ),
        wire.id: (
            SourceRef(sp(TEXT_WIRE, "the county emergency office"), "the county emergency office", "organization",
                      name="county emergency office"),
        ),
    }
    entities = (Entity("e1", "Harwick dam", "FAC", ("Harwick reservoir dam",)), Entity("e2", "Elena Brandt", "PERSON"))
    mentions = {
        ledger.id: (
            Mention(sp(TEXT_LEDGER, "Harwick reservoir dam"), "Harwick reservoir dam", "FAC", "e1"),
            Mention(sp(TEXT_LEDGER, "Elena Brandt"), "Elena Brandt", "PERSON", "e2"),
            Mention(sp(TEXT_LEDGER, "Östby"), "Östby", "GPE", None),
        ),
        wire.id: (Mention(sp(TEXT_WIRE, "Harwick dam"), "Harwick dam", "FAC", "e1"),),
        post.id: (Mention(sp(TEXT_POST, "Harwick dam"), "Harwick dam", "FAC", "e1"),),
    }
    timeline = (
        TimelineEntry(datetime(2024, 10, 1, tzinfo=utc), datetime(2024, 10, 2, tzinfo=utc),
                      "The Harwick dam fails", (ref(ledger, failed), ref(post, "The Harwick dam failed Tuesday."))),
    )
    framing = (
        FramingNote("naming", "same action, different words: “flooding” (Northern Ledger) / “reached” (Coastline Wire)",
                    (word(ledger, "flooding"), word(wire, "reached")), term="flooding / reached", fact_id="f2"),
        FramingNote("distinctive", "“floodwater” is distinctive of Coastline Wire in this story (used 1×, z = 2.10)",
                    (word(wire, "Floodwater"),), outlet=WIRE, term="floodwater", score=2.1),
    )
    profiles = (
        SourcingProfile(LEDGER, named=1, unnamed=1, by_kind={"anonymous": 1, "person": 1},
                        officials_by_affiliation={"county": 1}, quoted={"Elena Brandt": 1}),
        SourcingProfile(WIRE, named=1, unnamed=0, by_kind={"organization": 1}, quoted={"unattributed": 1}),
        # a pipe in a cited outlet's name checks table escaping in the profile tables
        SourcingProfile(POST, named=0, unnamed=0, outlets_cited={"Hill | Times": 2}),
    )
    omissions = (
        Omission(WIRE, "f4", 1, (LEDGER,)),
        Omission(WIRE, "f6", 1, (LEDGER,)),
        Omission(POST, "f2", 1, (LEDGER,)),
        Omission(POST, "f3", 1, (LEDGER,)),
    )
    story = Story("s1", tuple(a.id for a in arts), "Harwick dam failure",
                  (datetime(2024, 10, 1, tzinfo=utc), None), ("e1", "e2"), copies={post.id: wire.id})
    sr = StoryReport(story, arts, entities, mentions, (f1, f2, f3, f4, f5, f6), (conflict,), quotes, sources,
                     timeline, framing, profiles, omissions)
    return Report(
        (sr,),
        skipped=(Skipped("feeds/broken.xml", "not a feed: no <rss> or <feed> root"),),
        duplicates={"0123456789abcdef": wire.id},
    )
