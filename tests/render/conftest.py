from __future__ import annotations

import pytest

from storylens.model import Report

from .sample import sample_report


@pytest.fixture
def report() -> Report:
    return sample_report()
