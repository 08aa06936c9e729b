"""Who published an article: one canonical :class:`Outlet` per publisher.

The same outlet reaches us under many spellings ("www.reuters.com", "Reuters", "Thomson
Reuters", an ``og:site_name``); comparing coverage by outlet needs one name for all of them, so
well-known news publishers are looked up in a small table. Wire services get ``kind="wire"``:
syndication detection and independent-support counting rely on it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from storylens.model import Outlet

__all__ = ["outlet_from", "normalize_domain", "KNOWN_OUTLETS"]

# (display name, main domain, kind, other domains, other names). Kinds: wire | national |
# regional | broadcaster | blog. The list covers agencies and outlets that appear in the seed
# corpus and the benchmark data (Israel/US/international news); it is a convenience, not a
# registry: unknown outlets keep the name they are given.
KNOWN_OUTLETS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("AP", "apnews.com", "wire", ("ap.org",), ("Associated Press", "The Associated Press", "AP News")),
    ("Reuters", "reuters.com", "wire", (), ("Thomson Reuters", "Reuters News")),
    ("AFP", "afp.com", "wire", (), ("Agence France-Presse", "Agence France Presse")),
    ("dpa", "dpa.com", "wire", ("dpa-international.com",), ("Deutsche Presse-Agentur",)),
    ("UPI", "upi.com", "wire", (), ("United Press International",)),
    ("EFE", "efe.com", "wire", (), ("Agencia EFE",)),
    ("ANSA", "ansa.it", "wire", (), ()),
    ("Anadolu Agency", "aa.com.tr", "wire", (), ("Anadolu", "AA")),
    ("Xinhua", "xinhuanet.com", "wire", ("news.cn",), ("Xinhua News Agency",)),
    ("TASS", "tass.com", "wire", ("tass.ru",), ()),
    ("Kyodo News", "kyodonews.net", "wire", (), ("Kyodo",)),
    ("PA Media", "pamediagroup.com", "wire", (), ("Press Association", "PA")),
    ("Bloomberg", "bloomberg.com", "wire", (), ("Bloomberg News",)),
    ("JTA", "jta.org", "wire", (), ("Jewish Telegraphic Agency",)),
    ("JNS", "jns.org", "wire", (), ("Jewish News Syndicate",)),
    ("The New York Times", "nytimes.com", "national", (), ("New York Times", "NYT", "NYTimes")),
    ("The Washington Post", "washingtonpost.com", "national", (), ("Washington Post",)),
    ("The Wall Street Journal", "wsj.com", "national", (), ("Wall Street Journal", "WSJ")),
    ("USA Today", "usatoday.com", "national", (), ()),
    ("Los Angeles Times", "latimes.com", "regional", (), ("LA Times",)),
    ("Axios", "axios.com", "national", (), ()),
    ("Politico", "politico.com", "national", ("politico.eu",), ()),
    ("The Hill", "thehill.com", "national", (), ()),
    ("Fox News", "foxnews.com", "broadcaster", (), ("Fox News Channel",)),
    ("Breitbart", "breitbart.com", "national", (), ("Breitbart News",)),
    ("The Western Journal", "westernjournal.com", "national", (), ("Western Journal",)),
    ("HuffPost", "huffpost.com", "national", ("huffingtonpost.com",), ("Huffington Post", "The Huffington Post")),
    ("CNN", "cnn.com", "broadcaster", (), ()),
    ("NBC News", "nbcnews.com", "broadcaster", (), ()),
    ("CBS News", "cbsnews.com", "broadcaster", (), ()),
    ("ABC News", "abcnews.go.com", "broadcaster", (), ()),
    ("NPR", "npr.org", "broadcaster", (), ()),
    ("BBC", "bbc.com", "broadcaster", ("bbc.co.uk",), ("BBC News",)),
    ("The Guardian", "theguardian.com", "national", ("guardian.co.uk",), ("Guardian",)),
    ("Financial Times", "ft.com", "national", (), ("FT",)),
    ("The Economist", "economist.com", "national", (), ("Economist",)),
    ("The Independent", "independent.co.uk", "national", (), ("Independent",)),
    ("The Telegraph", "telegraph.co.uk", "national", (), ("Telegraph",)),
    ("Sky News", "news.sky.com", "broadcaster", ("sky.com",), ()),
    ("Al Jazeera", "aljazeera.com", "broadcaster", ("aljazeera.net",), ()),
    ("Al-Monitor", "al-monitor.com", "national", (), ()),
    ("Middle East Eye", "middleeasteye.net", "national", (), ()),
    ("DW", "dw.com", "broadcaster", (), ("Deutsche Welle",)),
    ("France 24", "france24.com", "broadcaster", (), ()),
    ("Le Monde", "lemonde.fr", "national", (), ()),
    ("Der Spiegel", "spiegel.de", "national", (), ("Spiegel",)),
    ("The Times of Israel", "timesofisrael.com", "national", (), ("Times of Israel", "ToI")),
    ("The Jerusalem Post", "jpost.com", "national", (), ("Jerusalem Post", "JPost")),
    ("Haaretz", "haaretz.com", "national", ("haaretz.co.il",), ()),
    ("Ynet", "ynetnews.com", "national", ("ynet.co.il",), ("Ynetnews", "Yedioth Ahronoth")),
    ("i24NEWS", "i24news.tv", "broadcaster", (), ("i24 News",)),
    ("Israel Hayom", "israelhayom.com", "national", ("israelhayom.co.il",), ()),
    ("Arutz Sheva", "israelnationalnews.com", "national", (), ("Israel National News",)),
    ("Tehran Times", "tehrantimes.com", "national", (), ()),
    ("Press TV", "presstv.ir", "broadcaster", (), ()),
    ("IRNA", "irna.ir", "wire", (), ("Islamic Republic News Agency",)),
)


def _name_key(name: str) -> str:
    key = re.sub(r"[^\w\s]", " ", name.casefold())
    key = re.sub(r"^the\s+", "", key.strip())
    return re.sub(r"\s+", " ", key).strip()


_BY_DOMAIN: dict[str, tuple[str, str, str]] = {}
_BY_NAME: dict[str, tuple[str, str, str]] = {}
for _name, _domain, _kind, _domains, _names in KNOWN_OUTLETS:
    _entry = (_name, _domain, _kind)
    for _d in (_domain, *_domains):
        _BY_DOMAIN[_d] = _entry
    for _n in (_name, _domain, *_names):
        _BY_NAME[_name_key(_n)] = _entry


_COMPACT: dict[str, tuple[str, str, str]] = {}
for _key, _entry in _BY_NAME.items():
    _COMPACT.setdefault(_key.replace(" ", ""), _entry)
# a slug's words, each standing for a word of a known name of two or more words
_MULTIWORD = [(_key.split(), _entry) for _key, _entry in _BY_NAME.items() if " " in _key]
MIN_PREFIX = 4


def _by_slug(name: str) -> tuple[str, str, str] | None:
    """The publisher a slug or code name stands for: its words run together ("huff-post",
    "HuffPost"), or each of its words a known name's word or its start of at least
    MIN_PREFIX letters, in order ("wash-post" for The Washington Post, "west-journal" for The
    Western Journal). None when no name, or more than one publisher, fits."""
    words = _name_key(name).split()
    if not words:
        return None
    entry = _COMPACT.get("".join(words))
    if entry is not None:
        return entry
    if len(words) < 2:
        return None
    found = {
        e
        for key, e in _MULTIWORD
        if len(key) == len(words) and all(k == w or (len(w) >= MIN_PREFIX and k.startswith(w)) for k, w in zip(key, words))
    }
    return found.pop() if len(found) == 1 else None


_ADDRESS = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_LOOKS_LIKE_DOMAIN = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)


def normalize_domain(value: str | None) -> str | None:
    """A host name in lower case without ``www.``, port, scheme or path; None when there is none."""
    if not value:
        return None
    text = value.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    for prefix in ("www.", "www1.", "www2.", "m.", "amp.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    return host or None


def _lookup_domain(host: str) -> tuple[str, str, str] | None:
    labels = host.split(".")
    # Try the host and its parents ("edition.cnn.com" -> "cnn.com"), never a bare TLD.
    for i in range(len(labels) - 1):
        entry = _BY_DOMAIN.get(".".join(labels[i:]))
        if entry is not None:
            return entry
    return None


def _abbreviates(name: str, entry: tuple[str, str, str]) -> bool:
    """``name`` is a short code (up to five letters) of the publisher ``entry``: its letters stand
    in order in the publisher's name or main domain, the first letters equal ("fox" for Fox News,
    "hpo" for huffpost.com)."""
    code = name.casefold()
    if not (2 <= len(code) <= 5 and code.isalpha()):
        return False
    display, domain, _ = entry
    for target in (re.sub(r"[^a-z]", "", _name_key(display)), domain.split(".")[0]):
        if target[:1] != code[0]:
            continue
        rest = iter(target)
        if all(ch in rest for ch in code):
            return True
    return False


def outlet_from(
    name: str | None = None,
    *,
    url: str | None = None,
    domain: str | None = None,
    kind: str | None = None,
) -> Outlet:
    """The outlet for a name and/or a domain (or a URL to take the domain from).

    A known name or domain gives the canonical display name, domain and kind; a given name
    wins over the domain's publisher (an AP story on another site is AP's). Unknown outlets
    keep the name given, else the domain, else ``"unknown"``.
    """
    host = normalize_domain(domain) or normalize_domain(url)
    name = (name or "").strip() or None
    by_name = (_BY_NAME.get(_name_key(name)) or _by_slug(name)) if name else None
    if by_name is None and name and _LOOKS_LIKE_DOMAIN.match(name):
        name_host = normalize_domain(name)
        by_name = _lookup_domain(name_host) if name_host else None
        if by_name is None and name_host and _ADDRESS.match(name):
            # a site name given as an address ("https://www.example-news.com"): named by its
            # host, as the site's pages that give no name at all are; a brand written like a
            # domain ("Space.com", "Salon.com") stays as written
            name = name_host
            host = host or name_host
    if by_name is not None:
        display, main_domain, known_kind = by_name
        return Outlet(name=display, domain=main_domain, kind=kind or known_kind)
    by_domain = _lookup_domain(host) if host else None
    if name is not None and by_domain is not None and _abbreviates(name, by_domain):
        name = None  # "fox" or "FOX" on foxnews.com, "hpo" on huffingtonpost.com: the site's publisher
    if name is not None:
        return Outlet(name=name, domain=host, kind=kind)
    if by_domain is not None:
        display, main_domain, known_kind = by_domain
        return Outlet(name=display, domain=main_domain, kind=kind or known_kind)
    if host is not None:
        return Outlet(name=host, domain=host, kind=kind)
    return Outlet(name="unknown", kind=kind)
