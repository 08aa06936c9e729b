"""The fuzzing step of CI (bench/fuzz.py) fails when a reader breaks a promise: its checks can fail."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from bench.fuzz import SEEDS, check_items, fuzz, mutate
from storylens.ingest import make_article
from storylens.model import Article, Outlet, Skipped


def _article(**broken) -> Article:
    a = make_article("The pier closed on Monday after the storm. " * 3, outlet=Outlet("X"), origin="x")
    for name, value in broken.items():
        object.__setattr__(a, name, value)  # what a buggy reader could build
    return a


@pytest.mark.parametrize(
    "item, words",
    [
        (_article(published=datetime(2024, 5, 6)), "outside the time model"),
        (_article(text=" "), "without text"),
        (_article(title="a\udcff"), "surrogates"),
        (Skipped("x", " "), "without a reason"),
        ("not an item", "yielded str"),
    ],
)
def test_broken_promises_are_caught(item, words):
    with pytest.raises((AssertionError, UnicodeEncodeError), match=words):
        check_items([item])


def test_mutants_are_seeded_and_every_seed_reads_clean(tmp_path):
    rng1, rng2 = random.Random(3), random.Random(3)
    base = SEEDS["jsonl"][1]()
    assert [mutate(base, rng1) for _ in range(20)] == [mutate(base, rng2) for _ in range(20)]
    n, failures = fuzz("jsonl", 1.0, 0, tmp_path)
    assert n > 0 and failures == []


@pytest.mark.parametrize("name", ["warc", "warc.gz", "gzip"])
def test_binary_seeds_are_the_same_every_run(name):
    # a seed with a random part (a WARC record id) gives other mutants each run: CI not repeatable
    make = SEEDS[name][1]
    assert make() == make()
