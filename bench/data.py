"""Where the shared benchmark data lives: ``../shared/bench`` beside the repository.

``STORYLENS_SHARED`` overrides the location of ``shared/``. The data is read in place, never
copied into this repository.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SHARED", "BENCH", "BenchDataMissing", "require"]

SHARED = Path(os.environ.get("STORYLENS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
BENCH = SHARED / "bench"


class BenchDataMissing(FileNotFoundError):
    """A benchmark's data folder is not where the benchmark expects it."""


def require(name: str) -> Path:
    """The folder of one benchmark under ``shared/bench``, or a clear error."""
    path = BENCH / name
    if not path.is_dir():
        raise BenchDataMissing(f"{path}: benchmark data not found (set STORYLENS_SHARED to the shared/ folder)")
    return path
