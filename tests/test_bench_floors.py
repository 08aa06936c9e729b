"""The floor check of bench/run.py (the benchmarks themselves run in CI via `make bench`)."""

from bench.run import check

FLOORS = {"timex": {"value_f1": 0.85}, "grouping": {"bcubed_f1": 0.98}}


def test_scores_at_or_above_floors_pass():
    assert check({"timex": {"value_f1": 0.85}, "grouping": {"bcubed_f1": 0.99}}, FLOORS) == []


def test_a_score_below_its_floor_fails():
    failures = check({"timex": {"value_f1": 0.84}, "grouping": {"bcubed_f1": 0.99}}, FLOORS)
    assert failures == ["timex.value_f1: 0.8400 is below its floor 0.85"]


def test_a_missing_score_fails():
    failures = check({"timex": {"value_f1": 0.9}}, FLOORS)
    assert failures and "grouping.bcubed_f1: not measured" in failures[0]
