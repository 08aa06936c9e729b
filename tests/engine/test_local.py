"""The local engine: a pool of worker processes gives the report the in-process run gives."""

from __future__ import annotations

import numpy as np
import pytest

import storylens
from storylens.engine import open_engine
from storylens.engine.local import LocalEngine
from storylens.engine.tasks import embedding_batches, understand_batch
from storylens.ingest import make_article
from storylens.model import Outlet
from storylens.render.json import report_to_dict
from storylens.settings import Settings, SettingsError
from storylens.understand.embed import VectorTable, get_embedder
from tests.conftest import EXAMPLES


def test_a_pool_of_two_workers_gives_the_in_process_report(monkeypatch):
    import storylens.engine.local as local

    alone = storylens.analyze([str(EXAMPLES)], workers=1)
    for name in ("MIN_ARTICLES", "MIN_EMBED_BATCHES", "MIN_STORIES"):
        monkeypatch.setattr(local, name, 0)
    started = []
    real = LocalEngine._executor
    monkeypatch.setattr(LocalEngine, "_executor", lambda self: started.append(self.workers) or real(self))
    pooled = storylens.analyze([str(EXAMPLES)], workers=2)
    assert started and set(started) == {2}
    assert report_to_dict(pooled) == report_to_dict(alone)


@pytest.mark.parametrize("workers", [1, 2])
def test_in_process_every_article_of_a_stream_is_analyzed(workers):
    # one worker: in-process however long the stream; two: fewer than the minimum for a pool
    engine = LocalEngine(Settings(workers=workers), min_articles=3 if workers == 1 else 30)
    arts = (make_article(f"Ferry {k} ran aground on Tuesday.", outlet=Outlet("A"), origin=f"{k}.txt") for k in range(19))
    assert [a.article.origin for a in engine.understand(arts)] == [f"{k}.txt" for k in range(19)]
    assert engine._pool is None


def test_small_runs_stay_in_process():
    engine = LocalEngine(Settings(workers=2))
    arts = [make_article("Ferry runs aground. " * 20, outlet=Outlet("A"), origin="a.txt")]
    (analysis,) = engine.understand(arts)
    assert analysis.article.id == arts[0].id
    assert engine._pool is None
    engine.close()


def test_workers_default_to_the_available_cores():
    from storylens.engine.local import available_cores

    assert LocalEngine(Settings()).workers == available_cores() >= 1
    assert LocalEngine(Settings(workers=3)).workers == 3


def test_unknown_engine_is_named():
    with pytest.raises(SettingsError, match="unknown engine 'spark'"):
        open_engine(Settings(engine="spark"))


def test_embedding_batches_are_distinct_sorted_and_independent_of_input_order():
    texts = ["ccc", "a", "bb", "a", "dddd", "bb"]
    assert embedding_batches(texts, size=2) == [["a", "bb"], ["ccc", "dddd"]]
    assert embedding_batches(list(reversed(texts)), size=2) == embedding_batches(texts, size=2)


def test_vector_table_serves_given_rows_and_embeds_only_what_it_lacks():
    lexical = get_embedder("lexical")

    class Counting:
        name = "lexical"
        seen: list[str] = []

        def embed(self, texts):
            self.seen.extend(texts)
            return lexical.embed(texts)

    given = {"The ferry ran aground.": lexical.embed(["The ferry ran aground."])[0]}
    table = VectorTable(given, Counting())
    rows = table.embed(["The ferry ran aground.", "Sailings stopped.", "Sailings stopped."])
    assert np.array_equal(rows, lexical.embed(["The ferry ran aground.", "Sailings stopped.", "Sailings stopped."]))
    assert Counting.seen == ["Sailings stopped."] and table.missed == 1


def test_a_failing_article_is_skipped_and_the_batch_goes_on(monkeypatch):
    import storylens.understand as understand

    good = make_article("The ferry ran aground on Tuesday. " * 10, outlet=Outlet("A"), origin="good.txt")
    bad = make_article("Lifeboats took everyone off. " * 10, outlet=Outlet("B"), origin="bad.txt")
    real = understand.analyze_doc

    def analyze_doc(doc, article):
        if article.origin == "bad.txt":
            raise RuntimeError("boom")
        return real(doc, article)

    monkeypatch.setattr(understand, "analyze_doc", analyze_doc)
    first, second = understand_batch([good, bad], Settings())
    assert first.article.origin == "good.txt"
    assert second.source == "bad.txt" and "boom" in second.reason


def test_a_missing_ray_is_named_before_the_run(monkeypatch):
    import importlib.util

    from storylens.engine import engine_problem

    assert engine_problem(Settings()) is None
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    assert "pip install 'storylens[ray]'" in engine_problem(Settings(engine="ray"))


def test_a_stream_is_read_as_the_workers_take_it():
    pulled = []

    def stream():
        for k in range(48):
            pulled.append(k)
            yield make_article(f"Ferry number {k} ran aground near the harbour on Tuesday.", outlet=Outlet("A"), origin=f"{k}.txt")

    engine = LocalEngine(Settings(workers=2), min_articles=0)
    results = engine.understand(stream())
    first = next(results)
    # two workers keep four batches of eight in flight: the stream is not read to its end
    assert len(pulled) == 32 and first.article.origin == "0.txt"
    rest = list(results)
    engine.close()
    assert [r.article.origin for r in [first, *rest]] == [f"{k}.txt" for k in range(48)]


def test_a_compare_job_gets_token_states_for_the_same_fact_decision():
    # the same-fact model is fitted on token-level features: a comparison run by an engine must
    # get token states from its embedder, not fall back to sentence vectors without a word
    from storylens.engine.tasks import _OnDemand
    from storylens.settings import Settings
    from storylens.understand.embed import VectorTable

    table = VectorTable({}, _OnDemand(Settings()))
    vectors, states = table.embed_tokens(["The ferry ran aground off the bay.", "All passengers were safe."])
    assert vectors.shape[0] == 2 and len(states) == 2
    assert states[0].vectors.shape[0] == len(states[0].ids) > 3


def test_a_compare_job_runs_blas_on_one_thread(monkeypatch):
    # each candidate pair's small matrix product must not be split over threads that wait for a
    # core; the caller's own BLAS setting is left as it was
    from threadpoolctl import threadpool_info

    import storylens.compare as compare
    from storylens.engine.tasks import CompareJob, compare_job
    from storylens.model import Story

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    seen: list[set[int]] = []
    monkeypatch.setattr(compare, "compare_story", lambda *args: seen.append(blas_threads()))
    before = blas_threads()
    compare_job(CompareJob(Story(id="s", article_ids=(), title="t"), (), {}), Settings())
    assert seen == [{1}]
    assert blas_threads() == before


def test_vector_table_gives_token_states_running_each_distinct_text_once():
    from storylens.understand.embed import TokenStates

    lexical = get_embedder("lexical")
    seen: list[str] = []

    class WithTokens:
        name = "fake"

        def embed(self, texts):
            return lexical.embed(texts)

        def embed_tokens(self, texts):
            seen.extend(texts)
            states = [TokenStates(np.arange(len(t)), np.ones((len(t), 2), dtype=np.float32)) for t in texts]
            return lexical.embed(texts), states

    table = VectorTable({}, WithTokens())
    texts = ["The ferry ran aground.", "Sailings stopped.", "The ferry ran aground."]
    vectors, states = table.embed_tokens(texts)
    assert seen == ["The ferry ran aground.", "Sailings stopped."]
    assert np.array_equal(vectors, lexical.embed(texts))
    assert [len(s.ids) for s in states] == [len(t) for t in texts]
