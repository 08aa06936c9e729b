"""Issue 11 items 10 and 13: every entry of a folder is read or named with a reason; pipes,
devices and endless lines never hang or fill memory."""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.ingest.records import read_records
from storylens.model import Article, Skipped
from storylens.settings import Settings

BODY = (
    "The harbour authority closed the northern pier on Monday after a crane collapsed onto the "
    "loading dock. Two workers were taken to hospital with minor injuries, the authority said. "
    "Engineers will inspect the remaining cranes before the pier reopens, officials said."
)
SETTINGS = Settings(min_chars=100)


def _read(paths, settings=SETTINGS, timeout=20.0):
    """read_inputs in a thread, so that a read that never ends fails the test instead of hanging it."""
    out: list = []
    worker = threading.Thread(target=lambda: out.extend(read_inputs([str(p) for p in paths], settings)), daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), "reading did not finish"
    return out


def _by_name(items):
    return {Path(i.source if isinstance(i, Skipped) else i.origin).name: i for i in items}


def test_compressed_and_json_files_in_a_folder_are_read(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(("Pier closed\n\n" + BODY).encode()))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress((json.dumps({"outlet": "Dock Daily", "text": BODY}) + "\n").encode()))
    (tmp_path / "c.html.gz").write_bytes(
        gzip.compress(f"<html><head><title>Pier</title></head><body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>".encode())
    )
    records = [{"outlet": "Bay Radio", "text": BODY}, {"outlet": "Harbour FM", "text": BODY + " More."}, {"text": "no outlet"}]
    (tmp_path / "records.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"outlet": "Quay News", "text": BODY + " Again."}), encoding="utf-8")
    (tmp_path / "d.tsv.gz").write_bytes(gzip.compress(f"outlet\ttext\nTab Times\t{BODY} Tabbed.\n".encode()))
    items = _read([tmp_path])
    arts = [i for i in items if isinstance(i, Article)]
    assert {"Bay Radio", "Dock Daily", "Harbour FM", "Quay News", "Tab Times", "a"} <= {a.outlet.name for a in arts}
    assert len(arts) == 7
    assert {a.origin.rsplit("/", 1)[-1] for a in arts} >= {"a.txt.gz", "b.jsonl.gz:1", "c.html.gz", "records.json[0]", "records.json[1]", "one.json[0]", "d.tsv.gz:2"}
    text_article = next(a for a in arts if a.origin.endswith("a.txt.gz"))
    assert text_article.outlet.name == "a" and text_article.title == "Pier closed"
    (bad,) = [i for i in items if isinstance(i, Skipped)]
    assert bad.source.endswith("records.json[2]") and "outlet" in bad.reason


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"[1, 2, 3]", "JSON of another shape"),
        (b"{not json", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_json_files_that_are_not_records_give_one_reason(tmp_path, content, reason):
    (tmp_path / "x.json").write_bytes(content)
    (item,) = _read([tmp_path / "x.json"])
    assert isinstance(item, Skipped) and reason in item.reason


def test_a_json_array_is_not_read_as_prose(tmp_path):
    (tmp_path / "records.json").write_text(json.dumps([{"outlet": "Bay Radio", "text": BODY}]), encoding="utf-8")
    (item,) = _read([tmp_path / "records.json"])
    assert isinstance(item, Article) and item.text == BODY and item.outlet.name == "Bay Radio"


def test_unreadable_entries_of_a_folder_are_named_with_reasons(tmp_path, monkeypatch):
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.txt").write_text(BODY)
    (root / "good.txt").write_text(BODY)
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.txt")
    os.symlink(tmp_path, root / "loop")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / "image.png").write_bytes(b"\x89PNG")
    # a folder this user may not list (chmod 0 would not stop root, who runs CI)
    listing = Path.iterdir

    def iterdir(self):
        if self.name == "locked":
            raise PermissionError(13, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    named = _by_name(_read([root]))
    assert isinstance(named["good.txt"], Article)
    assert named["locked"].reason == "cannot list folder: Permission denied"
    assert "broken symbolic link" in named["dangling.txt"].reason
    assert "named pipe" in named["pipe.txt"].reason
    assert "symbolic link to a folder" in named["loop"].reason
    assert named["in"].reason.startswith("2 files not read: no reader for their suffix (.pdf 1, .png 1)")


def test_dangling_link_fifo_and_linked_folder_in_a_folder(tmp_path):
    # the same entries without the permission trick, so that this runs as root too
    root = tmp_path / "in"
    root.mkdir()
    (root / "good.txt").write_text(BODY)
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.jsonl")
    os.symlink(tmp_path, root / "loop")
    named = _by_name(_read([root]))
    assert isinstance(named["good.txt"], Article)
    assert named["dangling.txt"].reason.startswith("broken symbolic link: it points to")
    assert "named pipe" in named["pipe.jsonl"].reason
    assert "not followed" in named["loop"].reason


def test_explicit_fifo_and_device_paths_end_at_once_with_reasons(tmp_path):
    os.mkfifo(tmp_path / "feed.xml")
    os.mkfifo(tmp_path / "story.txt")
    items = _read([tmp_path / "feed.xml", tmp_path / "story.txt", Path("/dev/zero"), Path("/dev/null")])
    reasons = [i.reason for i in items]
    assert all(isinstance(i, Skipped) for i in items), items
    assert "named pipe" in reasons[0] and "named pipe" in reasons[1]
    assert "character device" in reasons[2] and "character device" in reasons[3]


def test_a_gzip_bomb_is_cut_at_max_bytes(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 50_000_000))
    (item,) = _read([tmp_path / "bomb.txt.gz"], Settings(max_bytes=1_000_000))
    assert isinstance(item, Skipped) and "once decompressed" in item.reason


def test_damaged_gzip_gives_a_reason(tmp_path):
    (tmp_path / "cut.html.gz").write_bytes(gzip.compress(b"<html><body><p>" + BODY.encode() * 20)[:-30])
    (item,) = _read([tmp_path / "cut.html.gz"])
    assert isinstance(item, Skipped) and "damaged gzip data" in item.reason


class _Counting(io.BytesIO):
    """A stream that remembers the longest piece handed out by one read."""

    largest = 0

    def readline(self, size=-1):  # type: ignore[override]
        piece = super().readline(size)
        self.largest = max(self.largest, len(piece))
        return piece


def test_a_huge_jsonl_line_is_never_held_whole():
    from storylens.ingest.records import Oversized, read_record_lines

    good = json.dumps({"outlet": "Bay Radio", "text": BODY}).encode() + b"\n"
    huge = b'{"outlet": "X", "text": "' + b"a" * 30_000_000 + b'"}\n'
    stream = _Counting(good + huge + good)
    limit = 100_000
    lines = list(read_record_lines(stream, limit))
    assert stream.largest <= 1 << 20  # read in bounded pieces, never the 30 MB line at once
    assert isinstance(lines[1], Oversized) and lines[1].size == len(huge)
    items = list(read_records(lines, origin="r.jsonl", settings=Settings(max_bytes=limit, min_chars=100)))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Article"]
    assert items[1].source == "r.jsonl:2" and f"{len(huge)} bytes" in items[1].reason


def test_stdin_bytes_that_are_not_utf8_cost_only_their_line():
    good = json.dumps({"outlet": "Bay Radio", "text": BODY}).encode() + b"\n"
    stdin = io.TextIOWrapper(io.BytesIO(good + b'{"outlet": "X", "text": "caf\xe9"}\n' + good.replace(b"Bay", b"Cay")), encoding="utf-8")
    items = list(read_inputs(["-"], SETTINGS, stdin=stdin))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Article"]
    assert items[1].source == "stdin:2" and "not UTF-8" in items[1].reason
