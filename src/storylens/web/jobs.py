"""Library updates started from the web app, run one at a time in a background thread.

A run is created in the store as ``queued`` when the request comes in (so its page exists at
once), and the worker thread runs the ordinary pipeline over it (``pipeline.run`` with the
store): the same ingest rules as the CLI (private addresses refused unless the server was
started with ``allow_private``), progress written to the run's row, and the result (stories
touched, inputs skipped and why) kept there. One worker, because SQLite has one writer and the
analysis is CPU-bound.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from storylens.settings import Settings
from storylens.store import Store

__all__ = ["Job", "JobRunner"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """Inputs of one run: URLs (pages or feeds) and files saved in ``folder`` (deleted after)."""

    run_id: int
    urls: tuple[str, ...]
    folder: Path | None
    outlet: str | None = None


class JobRunner:
    """A queue of runs and the one thread that works through it."""

    def __init__(self, store_path: str, settings: Settings) -> None:
        self.store_path = store_path
        self.settings = settings
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, store: Store, urls: Sequence[str], files: Sequence[tuple[str, bytes]], outlet: str | None) -> int:
        """Record a queued run of these inputs and hand it to the worker; returns the run id."""
        folder = None
        names: list[str] = []
        if files:
            folder = Path(tempfile.mkdtemp(prefix="storylens-upload-"))
            for k, (name, data) in enumerate(files):
                # one folder per upload, so two files of one name never collide and a file
                # without front matter still gets its own name as its outlet
                path = folder / f"{k:03d}" / _safe_name(name)
                path.parent.mkdir()
                path.write_bytes(data)
                names.append(name)
        inputs = [*urls, *names]
        run_id = store.start_run("web", inputs, status="queued")
        self._queue.put(Job(run_id, tuple(urls), folder, outlet or None))
        self._ensure_worker()
        return run_id

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="storylens-runs", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Finish the queued runs and stop the worker."""
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._run(job)
            except Exception:  # recorded on the run by record_run; the worker goes on
                log.exception("run %d failed", job.run_id)
            finally:
                if job.folder is not None:
                    shutil.rmtree(job.folder, ignore_errors=True)

    def _run(self, job: Job) -> None:
        from storylens.pipeline import run

        settings = dataclasses.replace(self.settings, store=self.store_path, outlet=job.outlet)
        files = sorted(str(p) for p in job.folder.glob("*/*")) if job.folder else []
        paths = [*job.urls, *files]
        prefix = str(job.folder) + "/" if job.folder is not None else None

        def source_name(source: str) -> str:
            # skipped inputs are listed by the name the file was uploaded as, not its temp path;
            # named in the result the run is finished with, so no reader sees the temp path
            if prefix is not None and source.startswith(prefix):
                return "upload: " + source[len(prefix):].split("/", 1)[-1]
            return source

        run(paths, settings, run_id=job.run_id, source_name=source_name)


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name or "upload"
    cleaned = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base).strip(" .")
    return cleaned[:120] or "upload"
