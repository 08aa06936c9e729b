"""Outlet names and domains (tests for storylens.ingest.outlet)."""

from __future__ import annotations

import pytest

from storylens.ingest.outlet import normalize_domain, outlet_from
from storylens.model import Outlet


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("Reuters",), {}, Outlet("Reuters", "reuters.com", "wire")),
        (("The Associated Press",), {}, Outlet("AP", "apnews.com", "wire")),
        ((), {"url": "https://apnews.com/article/abc"}, Outlet("AP", "apnews.com", "wire")),
        ((), {"url": "https://www.afp.com/en/news/1"}, Outlet("AFP", "afp.com", "wire")),
        ((), {"domain": "WWW.UPI.COM"}, Outlet("UPI", "upi.com", "wire")),
        ((), {"url": "https://edition.cnn.com/2024/10/09/x"}, Outlet("CNN", "cnn.com", "broadcaster")),
        (("Times of Israel",), {}, Outlet("The Times of Israel", "timesofisrael.com", "national")),
        (("www.jpost.com",), {}, Outlet("The Jerusalem Post", "jpost.com", "national")),
        # a named wire service on another site is still the wire service
        (("AP",), {"url": "https://www.timesofisrael.com/ap-story"}, Outlet("AP", "apnews.com", "wire")),
        (("Larkspur Post",), {"url": "https://www.larkspurpost.example/a"}, Outlet("Larkspur Post", "larkspurpost.example", None)),
        ((), {"url": "https://News.Example.org:8080/a"}, Outlet("news.example.org", "news.example.org", None)),
        (("Larkspur Post",), {"kind": "regional"}, Outlet("Larkspur Post", None, "regional")),
        # an unknown site that gives its name as an address is named by its host, as its pages
        # without a name are
        (("https://www.quarrybay-herald.example",), {}, Outlet("quarrybay-herald.example", "quarrybay-herald.example", None)),
        (("www.quarrybay-herald.example",), {"url": "https://quarrybay-herald.example/a"}, Outlet("quarrybay-herald.example", "quarrybay-herald.example", None)),
        # a brand written like a domain stays as written
        (("Quarrybay.example",), {"url": "https://www.quarrybay.example/a"}, Outlet("Quarrybay.example", "quarrybay.example", None)),
        ((), {}, Outlet("unknown", None, None)),
        # a short code of the site's own publisher, in any case, is that publisher: one outlet for
        # "fox" and "FOX" on foxnews.com and for "hpo" on huffingtonpost.com
        (("fox",), {"url": "http://www.foxnews.com/politics/a"}, Outlet("Fox News", "foxnews.com", "broadcaster")),
        (("FOX",), {"url": "http://latino.foxnews.com/a"}, Outlet("Fox News", "foxnews.com", "broadcaster")),
        (("hpo",), {"url": "https://www.huffingtonpost.com/a"}, Outlet("HuffPost", "huffpost.com", "national")),
        # ... but another short name on that site is not ("FT" is known; "Vox" is not Fox's)
        (("Vox",), {"url": "http://www.foxnews.com/a"}, Outlet("Vox", "foxnews.com", None)),
        (("FT",), {"url": "http://www.foxnews.com/a"}, Outlet("Financial Times", "ft.com", "national")),
        # a slug or code name of a known publisher, as data sets write them (PolNeAR's
        # "huff-post", "wash-post", "west-journal"): words run together, or each word the start
        # of the name's word, at least four letters
        (("huff-post",), {}, Outlet("HuffPost", "huffpost.com", "national")),
        (("wash-post",), {}, Outlet("The Washington Post", "washingtonpost.com", "national")),
        (("west-journal",), {}, Outlet("The Western Journal", "westernjournal.com", "national")),
        (("ny-times",), {}, Outlet("The New York Times", "nytimes.com", "national")),
        # ... but not a word that is another word, nor a start too short to tell, nor one word
        (("Washington Times",), {}, Outlet("Washington Times", None, None)),
        (("was-post",), {}, Outlet("was-post", None, None)),
        (("Huffington",), {}, Outlet("Huffington", None, None)),
    ],
)
def test_outlet_from(args: tuple, kwargs: dict, expected: Outlet) -> None:
    assert outlet_from(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.Reuters.com/world/", "reuters.com"),
        ("reuters.com", "reuters.com"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("m.example.com", "example.com"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_domain(value: str | None, expected: str | None) -> None:
    assert normalize_domain(value) == expected
