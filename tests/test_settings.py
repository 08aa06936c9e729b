from datetime import datetime

import pytest

from storylens.settings import Settings, SettingsError, load_settings


def test_layers_defaults_file_overrides(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[storylens]\nfact_threshold = 0.7\ndomains = ["example.org"]\nsince = "2024-10-01"\n', encoding="utf-8")
    s = load_settings(f, fact_threshold=0.5, published=None)
    assert s.fact_threshold == 0.5  # the override wins
    assert s.domains == ("example.org",)
    assert s.since == datetime(2024, 10, 1)
    assert s.min_chars == Settings().min_chars  # the default stays


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"fact_threshold": "high"}, "expected a number"),
        ({"published": "last tuesday"}, "not an ISO 8601"),
        ({"nonsense": 1}, "unknown setting"),
        ({"allow_private": "yes"}, "expected true/false"),
        ({"engine": "spark"}, "'spark' is not one of local, ray"),
        ({"workers": -1}, "out of range"),
        ({"embed_threads": 0}, "out of range"),
    ],
)
def test_bad_values_are_named(overrides, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(None, **overrides)


def test_comma_separated_lists():
    assert load_settings(None, languages="en, de").languages == ("en", "de")


def test_unknown_key_in_file(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting 'colour'"):
        load_settings(f)
