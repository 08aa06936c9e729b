"""A bounded mutation fuzzer for every reader: seconds per reader, seeded, fails on a broken promise.

Each reader starts from a valid input of its kind (written here) and reads mutants of it: bytes
flipped, inserted, deleted, repeated or cut, hostile tokens spliced in (controls, bidirectional
marks, markup, lone-surrogate escapes, far dates, huge lengths). Whatever the mutant, reading
it must end (a time limit per input), must not raise, and may yield only articles and skipped
inputs that keep the model's promises (``check_items``). Nothing is fetched: feed entries are
answered from a stand-in store.

    python -m bench.fuzz --seconds 10            # every reader, 10 s each (CI)
    python -m bench.fuzz --only jsonl --seconds 60 --seed 7

A failing input is written to ``fuzz-failures/`` (or ``--out``) with the reader's name, so it
can be read again with ``storylens analyze``; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, Sequence

from storylens.ingest import make_article, read_inputs
from storylens.model import PUBLISHED_WINDOW, Article, Outlet, Skipped
from storylens.settings import Settings

__all__ = ["SEEDS", "check_items", "mutate", "fuzz", "main"]

SETTINGS = Settings(min_chars=40, max_bytes=300_000, max_chars=100_000)
# One input must be read well within this; a slower read counts as a hang.
_PER_INPUT_SECONDS = 20

_PROSE = (
    "The harbour authority closed the northern pier on Monday after a crane collapsed onto the "
    "loading dock. Two workers were taken to hospital with minor injuries, the authority said."
)
_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Pier closed</title>"
    "<meta property='article:published_time' content='2024-05-06T09:30:00+02:00'>"
    "<meta property='og:site_name' content='Harbour Post'><link rel='canonical' href='https://harbour.example/pier'>"
    f"</head><body><nav>Home | News</nav><article><h1>Pier closed</h1><p>{_PROSE}</p><p>{_PROSE}</p>"
    "</article><footer>Harbour Post</footer></body></html>"
)


def _warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for n in range(2):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://harbour.example/{n}", "response", payload=io.BytesIO(_PAGE.encode()), http_headers=http,
            # a fixed record id: the seed, and so every mutant of a --seed, is the same each run
            warc_headers_dict={"WARC-Date": "2024-05-06T10:00:00Z", "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-00000000000{n}>"},
        )
        writer.write_record(record)
    return out.getvalue()


def _record(outlet: str, when: str) -> dict[str, str]:
    return {"outlet": outlet, "title": "Pier closed", "published": when, "url": "https://harbour.example/p", "text": _PROSE}


SEEDS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "text": (".txt", lambda: f"---\noutlet: Harbour Post\npublished: 2024-05-06T09:30:00Z\n---\nPier closed\n\n{_PROSE}\n\n{_PROSE}\n".encode()),
    "html": (".html", lambda: _PAGE.encode()),
    "jsonl": (".jsonl", lambda: "".join(json.dumps(_record(o, w)) + "\n" for o, w in (("A", "2024-05-06"), ("B", "2024-05-06T09:00:00+05:30"))).encode()),
    "json": (".json", lambda: json.dumps([_record("A", "2024-05-06T09:00:00Z"), _record("B", "2024-05-06")]).encode()),
    "csv": (".csv", lambda: f'outlet,title,published,text\nA,Pier,2024-05-06,"{_PROSE}"\nB,"Pier, closed",2024-05-07T10:00:00Z,"{_PROSE} More."\n'.encode()),
    "warc": (".warc", lambda: _warc(False)),
    "warc.gz": (".warc.gz", lambda: _warc(True)),
    "gzip": (".html.gz", lambda: gzip.compress(_PAGE.encode())),
    "feed": (".rss", lambda: (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>'
        '<item><title>Pier</title><link>https://harbour.example/pier</link><pubDate>Mon, 06 May 2024 09:30:00 GMT</pubDate></item>'
        '<item><title>Crane</title><link>https://harbour.example/crane</link></item></channel></rss>'
    ).encode()),
}

_TOKENS = [
    b"\x00", b"\x1b[2J", b"\x07", b"\r", b"\n\n", b"\xe2\x80\xae", b"\xe2\x80\x8b", b"\xef\xbb\xbf", b"\xff\xfe",
    b"\\udfff", b"\\ud800", b"[/]", b"<script>", b"</", b"\"", b",", b"|", b"`", b"{", b"[", b"]",
    b"0001-01-01T00:00:00Z", b"9999-12-31", b"2024-05-06T09:30:00", b"+14:00", b"Content-Length: 99999999",
    b"WARC/1.0\r\n", b"\x1f\x8b\x08", b"&#xdfff;", b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"99999999999999999999",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One mutant of ``data``: one to four random edits."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            out += rng.choice(_TOKENS)
            continue
        at = rng.randrange(len(out) + 1)
        kind = rng.randrange(7)
        if kind == 0:  # flip a byte
            pos = rng.randrange(len(out))
            out[pos] ^= 1 << rng.randrange(8)
        elif kind == 1:  # insert a hostile token
            out[at:at] = rng.choice(_TOKENS)
        elif kind == 2:  # delete a run
            del out[at : at + rng.randint(1, 64)]
        elif kind == 3:  # repeat a run
            piece = bytes(out[at : at + rng.randint(1, 200)])
            out[at:at] = piece * rng.randint(2, 50)
        elif kind == 4:  # cut the end
            del out[at:]
        elif kind == 5:  # random bytes
            out[at:at] = rng.randbytes(rng.randint(1, 32))
        else:  # a long field
            out[at:at] = rng.choice(_TOKENS[:12]) * rng.randint(100, 5000)
    return bytes(out)


def check_items(items: Sequence[object], settings: Settings = SETTINGS) -> None:
    """The promises every reader keeps; AssertionError names the broken one."""
    low, high = PUBLISHED_WINDOW
    for item in items:
        assert isinstance(item, (Article, Skipped)), f"reader yielded {type(item).__name__}"
        if isinstance(item, Skipped):
            assert item.reason.strip(), "a skipped input without a reason"
            (item.source + item.reason).encode("utf-8")
            continue
        assert item.text.strip(), "an article without text"
        assert len(item.text) <= settings.max_chars, "an article over max_chars"
        assert item.published is None or (item.published.tzinfo is not None and low <= item.published < high), (
            f"publication time {item.published!r} outside the time model"
        )
        for span in item.paragraphs:
            assert 0 <= span.start < span.end <= len(item.text), "a paragraph span off its text"
        for value in (item.text, item.title or "", item.url or "", item.byline or "", item.origin, item.outlet.name):
            value.encode("utf-8")


class _Hang(BaseException):
    """Reading one input took longer than the per-input limit (a BaseException, so that a
    reader's own ``except Exception`` cannot swallow it)."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _Hang()


def _stored(url: str) -> Article:
    # feed entries are answered from a stand-in store: nothing is fetched
    return make_article(_PROSE, outlet=Outlet("Stored"), url=url, origin=url)


def fuzz(name: str, seconds: float, seed: int, out: Path) -> tuple[int, list[Path]]:
    """Mutants of one reader's seed for ``seconds``; (inputs read, failing inputs written)."""
    suffix, make = SEEDS[name]
    base = make()
    rng = random.Random(f"{seed}:{name}")
    failures: list[Path] = []
    n = 0
    deadline = time.monotonic() + seconds
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"input{suffix}"
            data = base
            while time.monotonic() < deadline:
                # mostly mutants of the seed, sometimes of the last mutant (deeper damage)
                data = mutate(base if rng.random() < 0.7 else data, rng)
                path.write_bytes(data)
                n += 1
                # fires again every second until cleared: a library's bare ``except:`` that
                # swallows one alarm cannot turn a hang into an endless run
                signal.setitimer(signal.ITIMER_REAL, _PER_INPUT_SECONDS, 1.0)
                try:
                    check_items(list(read_inputs([str(path)], SETTINGS, known=_stored)))
                except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    out.mkdir(parents=True, exist_ok=True)
                    saved = out / f"{name}-{len(failures)}{suffix}"
                    saved.write_bytes(data)
                    what = "hang" if isinstance(exc, _Hang) else "".join(traceback.format_exception_only(exc)).strip()
                    print(f"FAIL {name}: {what} (input saved as {saved})", flush=True)
                    failures.append(saved)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return n, failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per reader")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", choices=sorted(SEEDS))
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # every mutant is bad input; the readers log each one
    failed = 0
    for name in args.only or list(SEEDS):
        n, failures = fuzz(name, args.seconds, args.seed, args.out)
        failed += len(failures)
        print(f"{name:8} {n:6} inputs in {args.seconds:g} s, {len(failures)} failures", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
