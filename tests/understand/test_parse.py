"""The compact parse: rebuilt without the model, it is the parse the model made."""

from __future__ import annotations

import json

import pytest

from storylens.model import ArticleParse, from_dict, to_dict
from storylens.understand.parse import ParseMismatch, compact_parse, parse_vocab, rebuild_doc

TEXTS = [
    "Netanyahu has vetoed Defence Minister Yoav Gallant's planned visit to Washington, three US officials told Axios.",
    "BRAMCOTE BAY — The ferry ran aground.\n\n  Lifeboat crews took all 86 passengers off;   nobody was hurt.\n",
    "“We were lucky,” said one passenger.\tThe U.S. Coast Guard called off the search.",
    "",
]


def _attrs(doc):
    return [
        (t.text, t.whitespace_, t.idx, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_,
         t.is_sent_start, t.left_edge.i, t.right_edge.i)
        for t in doc
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_a_rebuilt_parse_equals_the_models_parse(nlp, text):
    doc = nlp(text)
    parse = compact_parse(doc)
    # through JSON, as the store keeps it
    parse = from_dict(ArticleParse, json.loads(json.dumps(to_dict(parse))))
    again = rebuild_doc(parse, text, parse_vocab())
    assert again.text == text
    assert _attrs(again) == _attrs(doc)
    assert [(s.start, s.end) for s in again.sents] == [(s.start, s.end) for s in doc.sents]
    assert [(e.start, e.end, e.label_) for e in again.ents] == [(e.start, e.end, e.label_) for e in doc.ents]


def test_a_parse_of_another_text_is_refused(nlp):
    parse = compact_parse(nlp(TEXTS[0]))
    with pytest.raises(ParseMismatch):
        rebuild_doc(parse, TEXTS[0] + " More.", parse_vocab())
    with pytest.raises(ParseMismatch):
        rebuild_doc(ArticleParse("3 2", "10", "NN", "NOUN", "ROOT", "0", "a"), "abc de", parse_vocab())
