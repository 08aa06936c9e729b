from __future__ import annotations

import copy
import json
from typing import Any, Callable

import pytest
from jsonschema import Draft202012Validator

from storylens import __version__
from storylens.render.json import SCHEMA_PATH, load_schema, render_json, report_to_dict

from .sample import LEDGER, POST, TEXT_LEDGER, WIRE
from .spans import iter_spans, span_mismatches


@pytest.fixture
def doc(report) -> dict[str, Any]:
    return report_to_dict(report, with_text=True)


@pytest.fixture
def validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_schema_file_is_shipped_next_to_module():
    assert SCHEMA_PATH.name == "report.schema.json" and SCHEMA_PATH.is_file()
    assert load_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("with_text", [False, True])
def test_report_validates(report, validator, with_text):
    errors = list(validator.iter_errors(report_to_dict(report, with_text=with_text)))
    assert errors == []


def _story(d):
    return d["stories"][0]


BREAKAGES: list[tuple[str, Callable[[dict], None]]] = [
    ("no version", lambda d: d.pop("storylens")),
    ("no skipped", lambda d: d.pop("skipped")),
    ("status outside enum", lambda d: _story(d)["facts"][0]["status"].update({LEDGER: "maybe"})),
    ("negative span", lambda d: _story(d)["facts"][0]["claims"][0].update(span=[-1, 4])),
    ("span of one int", lambda d: _story(d)["quotes"][0].update(span=[3])),
    ("span of three ints", lambda d: _story(d)["sources"][0].update(span=[1, 2, 3])),
    ("span of strings", lambda d: _story(d)["entities"][0]["mentions"][0].update(span=["1", "2"])),
    ("quote without speaker key", lambda d: _story(d)["quotes"][1].pop("speaker")),
    ("speaker without span", lambda d: _story(d)["quotes"][0]["speaker"].pop("span")),
    ("support not an int", lambda d: _story(d)["facts"][0].update(independent_support="three")),
    ("article without source", lambda d: _story(d)["articles"][0].pop("source")),
    ("published not a date", lambda d: _story(d)["articles"][0].update(published="Tuesday")),
    ("conflict without detail", lambda d: _story(d)["conflicts"][0].pop("detail")),
    ("timeline claims missing", lambda d: _story(d)["timeline"][0].pop("claims")),
    ("source count negative", lambda d: _story(d)["sources"][0].update(count=-2)),
    ("skipped without reason", lambda d: d["skipped"][0].pop("reason")),
    ("story without facts", lambda d: _story(d).pop("facts")),
    ("story without profiles", lambda d: _story(d).pop("profiles")),
    ("framing kind unknown", lambda d: _story(d)["framing"][0].update(kind="vibes")),
    ("framing note without uses", lambda d: _story(d)["framing"][0].update(uses=[])),
    ("framing use without span", lambda d: _story(d)["framing"][1]["uses"][0].pop("span")),
    ("profile count negative", lambda d: _story(d)["profiles"][0]["quoted"].update({"x": -1})),
    ("profile count a string", lambda d: _story(d)["profiles"][0]["by_kind"].update({"person": "1"})),
    ("omission without reporters", lambda d: _story(d)["omissions"][0].update(reporters=[])),
    ("omission support missing", lambda d: _story(d)["omissions"][0].pop("support")),
]


@pytest.mark.parametrize("name,breakage", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_broken_copy_does_not_validate(doc, validator, name, breakage):
    broken = copy.deepcopy(doc)
    breakage(broken)
    assert not validator.is_valid(broken), name
    assert validator.is_valid(doc)


def test_every_span_traces_to_its_text(doc):
    spans = list(iter_spans(doc))
    # 6 facts with 9 claims, 2 conflict claims, 2 quotes + 1 speaker + 1 quote cue,
    # 3 sources + 2 source cues, 2 timeline claims, 4 linked mentions, 3 framing uses, 2 related.
    assert len(spans) == 9 + 2 + 4 + 5 + 2 + 4 + 3 + 2
    assert all(aid is not None for aid, _, _ in spans)
    assert sum(text is not None for _, _, text in spans) == len(spans) - 3  # cue spans carry no text
    assert span_mismatches(doc) == []


@pytest.mark.parametrize("where", ["claim", "quote", "speaker", "mention", "framing"])
def test_checker_catches_a_shifted_span(doc, where):
    story = _story(doc)
    target = {
        "claim": story["facts"][1]["claims"][1],
        "quote": story["quotes"][0],
        "speaker": story["quotes"][0]["speaker"],
        "mention": story["entities"][0]["mentions"][0],
        "framing": story["framing"][0]["uses"][1],
    }[where]
    start, end = target["span"]
    target["span"] = [start + 1, end + 1]
    assert len(span_mismatches(doc)) == 1


def test_checker_flags_unknown_article(doc):
    _story(doc)["quotes"][0]["article_id"] = "nope"
    assert any("unknown article" in p for p in span_mismatches(doc))


def test_contract_fields(report):
    d = report_to_dict(report)
    assert d["storylens"] == __version__
    story = _story(d)
    arts = {a["outlet"]: a for a in story["articles"]}
    assert "text" not in arts[LEDGER]
    assert arts[LEDGER]["published"] == "2024-10-02T07:30:00+00:00"
    assert arts[WIRE]["published"] == "2024-10-01T22:05:00+02:00"
    assert arts[POST]["published"] is None
    assert arts[LEDGER]["source"] == "corpus/ledger.html"
    assert arts[LEDGER]["outlet_kind"] == "national" and arts[LEDGER]["published_how"] == "metadata"
    assert arts[POST]["copy_of"] == arts[WIRE]["id"] and arts[WIRE]["copy_of"] is None
    facts = {f["id"]: f for f in story["facts"]}
    assert facts["f2"]["status"] == {LEDGER: "reported", WIRE: "contradicted", POST: "silent"}
    # outlets missing from Fact.status are filled in as silent, in story outlet order
    assert list(facts["f4"]["status"].items()) == [(LEDGER, "hedged"), (WIRE, "related"), (POST, "silent")]
    assert facts["f1"]["first_reported"] == WIRE and facts["f1"]["independent_support"] == 3
    assert story["conflicts"][0]["kind"] == "number" and story["conflicts"][0]["fact_id"] == "f2"
    speakers = [q["speaker"] for q in story["quotes"]]
    assert speakers[0]["name"] == "Elena Brandt" and speakers[0]["kind"] == "person"
    assert speakers[1] is None
    anon = story["sources"][0]
    assert (anon["kind"], anon["count"], anon["role"], anon["affiliation"], anon["via"]) == (
        "anonymous", 2, "official", "county", LEDGER)
    assert story["timeline"][0]["start"] == "2024-10-01T00:00:00+00:00"
    ents = {e["id"]: e for e in story["entities"]}
    # The unlinked mention (entity_id None) belongs to no entity.
    assert len(ents["e1"]["mentions"]) == 3 and len(ents["e2"]["mentions"]) == 1
    assert ents["e1"]["aliases"] == ["Harwick reservoir dam"]
    naming, distinctive = story["framing"]
    assert naming["kind"] == "naming" and naming["fact_id"] == "f2" and naming["score"] is None
    assert [(u["outlet"], u["text"]) for u in naming["uses"]] == [(LEDGER, "flooding"), (WIRE, "reached")]
    assert naming["uses"][0]["span"] == [TEXT_LEDGER.index("flooding"), TEXT_LEDGER.index("flooding") + 8]
    assert (distinctive["outlet"], distinctive["term"], distinctive["score"]) == (WIRE, "floodwater", 2.1)
    profiles = {p["outlet"]: p for p in story["profiles"]}
    assert profiles[LEDGER]["officials_by_affiliation"] == {"county": 1}
    assert profiles[LEDGER]["quoted"] == {"Elena Brandt": 1} and profiles[POST]["outlets_cited"] == {"Hill | Times": 2}
    assert story["omissions"][0] == {"outlet": WIRE, "fact_id": "f4", "support": 1, "reporters": [LEDGER], "confidence": None}
    assert [o["outlet"] for o in story["omissions"]] == [WIRE, WIRE, POST, POST]
    assert d["skipped"] == [{"source": "feeds/broken.xml", "reason": "not a feed: no <rss> or <feed> root"}]
    assert d["duplicates"] == {"0123456789abcdef": arts[WIRE]["id"]}


def test_render_json_round_trips_and_keeps_unicode(report):
    out = render_json(report, with_text=True)
    assert json.loads(out) == report_to_dict(report, with_text=True)
    assert "Östby" in out  # ensure_ascii=False
    assert out.startswith('{\n  "storylens"')
    assert TEXT_LEDGER.split("\n")[0] in out
