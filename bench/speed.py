"""Speed and memory of the whole pipeline on real articles (benchmarks, not CI floors).

Every figure is wall time and CPU time (this process and its worker processes) of repeated,
interleaved runs, reported as medians, because the dev machine has 2 cores shared with other
programs. The corpus is the 150 BASIL articles (50 stories x 3 outlets), read in place, and
synthetic corpora made from them (:func:`synthetic`).

    python -m bench.speed ratio [--repeat 3]         # full pipeline vs spaCy alone, same texts
    python -m bench.speed copies [--repeat 3]        # cost of exact duplicates, reprints, wire copies
    python -m bench.speed copy-stages                # the same, stage by stage, in one process
    python -m bench.speed incremental [--repeat 2]   # second run with 10 % new articles (store)
    python -m bench.speed engines [--limit 60]       # local engine vs Ray with 1 and 2 workers
    python -m bench.speed memory --sizes 1000 3000   # peak RSS of the process tree per corpus size
    python -m bench.speed stages                     # CPU seconds per stage, one process
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import random
import re
import resource
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable, Sequence

from bench.grouping import load_articles
from storylens.model import Article, Outlet, text_id

__all__ = ["main", "synthetic", "wire_copy", "measure"]


@dataclasses.dataclass(frozen=True, slots=True)
class Timing:
    wall: float
    cpu: float  # this process and its children (workers), user + system


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn: Callable[[], object], label: str = "") -> Timing:
    """Wall and CPU seconds of ``fn()``; worker processes count once they have exited. Each
    run is printed as it ends (a long benchmark stopped early still says what it measured)."""
    w, c = time.perf_counter(), _cpu()
    fn()
    t = Timing(time.perf_counter() - w, _cpu() - c)
    if label:
        print(f"  run {label}: {t.wall:.1f} s wall, {t.cpu:.1f} s CPU", flush=True)
    return t


def _median(ts: Sequence[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in ts), statistics.median(t.cpu for t in ts))


def _show(name: str, t: Timing, n: int) -> str:
    return f"{name}: {t.wall:.1f} s wall ({n / t.wall:.2f} articles/s), {t.cpu:.1f} s CPU"


def _cores() -> int:
    from storylens.engine.local import available_cores

    return available_cores()


# --- corpora -------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z]{4,}")


def synthetic(n: int, seed: int = 0) -> list[Article]:
    """``n`` articles made from BASIL's: round k of the 150 replaces about every third longer word
    of each article by another word of BASIL's vocabulary (so no two rounds share word 5-grams
    and none is a copy of another) and moves its date by 60 days x k (so each round's triplets
    are stories of their own). Lengths, outlets, story sizes and most names stay BASIL's."""
    base, _ = load_articles()
    vocab = sorted({w for a in base for w in _WORD.findall(a.text)})
    out: list[Article] = []
    for k in range(n):
        a = base[k % len(base)]
        rnd = k // len(base)
        if rnd == 0:
            out.append(a)
            continue
        rng = random.Random(f"{seed}:{k}")
        text = _WORD.sub(lambda m: rng.choice(vocab) if rng.random() < 0.33 else m.group(), a.text)
        out.append(
            dataclasses.replace(
                a,
                id=text_id(text),
                text=text,
                published=a.published + timedelta(days=60 * rnd) if a.published else None,
                origin=f"{a.origin}#{rnd}",
            )
        )
    return out


def wire_copy(a: Article, outlet: str) -> Article:
    """A republished copy of ``a``: another outlet, a credit line, a new first sentence and a
    changed word in every paragraph - above the near-duplicate threshold, not identical."""
    paragraphs = a.text.split("\n\n")
    edited = [re.sub(r"\bsaid\b", "stated", p, count=1) for p in paragraphs]
    text = "(Wire) " + "\n\n".join(edited) + f"\n\nThis story was first published by {a.outlet.name}."
    return dataclasses.replace(a, id=text_id(text), text=text, outlet=Outlet(outlet), origin=a.origin + "#copy")


# --- the benchmarks ------------------------------------------------------------------------------


def _analyze(articles: Sequence[Article], **settings: object) -> object:
    import storylens

    return storylens.analyze_articles(list(articles), **settings)


def _spacy_alone(texts: Sequence[str], n_process: int) -> None:
    from storylens.understand.nlp import get_nlp

    for _ in get_nlp().pipe(texts, n_process=n_process, batch_size=8):
        pass


def bench_ratio(repeat: int) -> None:
    arts, _ = load_articles()
    texts = [a.text for a in arts]
    cores = _cores()
    runs: dict[str, list[Timing]] = {"spacy": [], "pipeline": []}
    for _ in range(repeat):
        runs["spacy"].append(measure(lambda: _spacy_alone(texts, cores), "spacy"))
        runs["pipeline"].append(measure(lambda: _analyze(arts), "pipeline"))
    s, p = _median(runs["spacy"]), _median(runs["pipeline"])
    print(_show(f"spaCy alone (nlp.pipe, n_process={cores})", s, len(arts)))
    print(_show(f"storylens (workers={cores})", p, len(arts)))
    print(f"ratio (pipeline speed / spaCy speed): wall {s.wall / p.wall:.2f}, CPU {s.cpu / p.cpu:.2f}")
    print("all runs:", {k: [(round(t.wall, 1), round(t.cpu, 1)) for t in v] for k, v in runs.items()})


def bench_copies(repeat: int, limit: int) -> None:
    arts, _ = load_articles()
    arts = arts[:limit]
    first = arts[::3]  # one article of each story: the copies join stories of their original
    added = {
        "+ exact duplicates": [dataclasses.replace(a, origin=a.origin + "#dup") for a in first],
        # the same text republished by another outlet under its own URL (same content hash)
        "+ verbatim reprints": [
            dataclasses.replace(a, outlet=Outlet("Wire Reprints"), url=f"https://reprints.example/{a.id}", origin=a.origin + "#reprint")
            for a in first
        ],
        "+ edited wire copies": [wire_copy(a, "Wire Reprints") for a in first],
    }
    corpora = {"fresh": arts, **{name: arts + extra for name, extra in added.items()}}
    runs: dict[str, list[Timing]] = {k: [] for k in corpora}
    for _ in range(repeat):
        for name, corpus in corpora.items():
            runs[name].append(measure(lambda: _analyze(corpus), name))
    base = _median(runs["fresh"])
    per_article = base.cpu / len(arts)
    print(_show(f"{len(arts)} BASIL articles", base, len(arts)))
    for name in added:
        t = _median(runs[name])
        extra = (t.cpu - base.cpu) / len(first)
        print(
            f"{name} ({len(first)}): {t.wall:.1f} s wall, {t.cpu:.1f} s CPU; per added article "
            f"{extra:.2f} CPU s = {100 * extra / per_article:.0f} % of a fresh article ({per_article:.2f} CPU s)"
        )
    print("all runs:", {k: [(round(t.wall, 1), round(t.cpu, 1)) for t in v] for k, v in runs.items()})


def bench_incremental(repeat: int) -> None:
    arts, _ = load_articles()
    rng = random.Random(12)
    new = set(rng.sample(range(len(arts)), len(arts) // 10))
    old = [a for k, a in enumerate(arts) if k not in new]
    firsts: list[Timing] = []
    seconds: list[Timing] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = str(Path(tmp) / "s.sqlite")
            firsts.append(measure(lambda: _analyze(old, store=store), "first"))
            seconds.append(measure(lambda: _analyze(arts, store=store), "second"))
    f, s = _median(firsts), _median(seconds)
    print(_show(f"first run, {len(old)} articles into an empty store", f, len(old)))
    print(_show(f"second run, all {len(arts)} ({len(new)} new)", s, len(arts)))
    print(f"second / first: wall {100 * s.wall / f.wall:.0f} %, CPU {100 * s.cpu / f.cpu:.0f} %")
    print("all runs:", [(round(a.wall, 1), round(a.cpu, 1), round(b.wall, 1), round(b.cpu, 1)) for a, b in zip(firsts, seconds)])


def bench_engines(limit: int, repeat: int) -> None:
    import ray

    arts, _ = load_articles()
    arts = arts[:limit]
    ray.init(num_cpus=_cores(), include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    configs = {
        "local, 1 worker": {"workers": 1},
        f"local, {_cores()} workers": {"workers": _cores()},
        "ray, 1 worker": {"engine": "ray", "workers": 1},
        "ray, 2 workers": {"engine": "ray", "workers": 2},
    }
    runs: dict[str, list[Timing]] = {k: [] for k in configs}
    try:
        for _ in range(repeat):
            for name, kw in configs.items():
                runs[name].append(measure(lambda: _analyze(arts, **kw), name))
    finally:
        ray.shutdown()
    one = _median(runs["local, 1 worker"]).wall
    for name in configs:
        t = _median(runs[name])
        # Ray actors are not children of this process: their CPU is not in the CPU column
        print(_show(name, t, len(arts)) + f"; speed-up over local 1 worker {one / t.wall:.2f}x")
    print("all runs:", {k: [(round(t.wall, 1), round(t.cpu, 1)) for t in v] for k, v in runs.items()})


class _Clocked:
    """An embedder that adds up the CPU seconds spent in it."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.cpu = 0.0

    def _timed(self, method: str, texts: Sequence[str]) -> object:
        c = time.process_time()
        try:
            return getattr(self.inner, method)(texts)
        finally:
            self.cpu += time.process_time() - c

    def embed(self, texts: Sequence[str]) -> object:
        return self._timed("embed", texts)

    def embed_tokens(self, texts: Sequence[str]) -> object:
        return self._timed("embed_tokens", texts)


def bench_stages() -> None:
    """CPU seconds of each stage over the 150 articles, run one after the other in this process
    with the functions the engines call, so that the cost beyond the parse has names."""
    from storylens.compare import compare_story, embedding_texts
    from storylens.engine.tasks import embedding_batches, stage_embedder
    from storylens.group.dedupe import find_copies
    from storylens.group.stories import group_stories
    from storylens.pipeline import _attach_copies
    from storylens.settings import Settings
    from storylens.understand import analyze_doc
    from storylens.understand.embed import VectorTable
    from storylens.understand.nlp import get_nlp

    arts, _ = load_articles()
    settings = Settings(workers=1)
    embedder = stage_embedder(settings)
    cost: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], object]) -> object:
        c = time.process_time()
        out = fn()
        cost[name] = time.process_time() - c
        return out

    docs = timed("spaCy parse", lambda: list(get_nlp().pipe([a.text for a in arts], batch_size=8)))
    analyses = timed("findings from the parse (understand)", lambda: [analyze_doc(d, a) for d, a in zip(docs, arts)])
    by_id = {a.article.id: a for a in analyses}

    def group() -> list:
        copies = find_copies(arts, threshold=settings.near_duplicate_threshold)
        originals = [a for a in analyses if a.article.id not in copies]
        return _attach_copies(list(group_stories(originals, threshold=settings.story_threshold)), copies, by_id)

    stories = timed("dedupe + grouping", group)
    texts = [t for s in stories for t in embedding_texts(s, [by_id[i] for i in s.article_ids])]
    batches = embedding_batches(texts)
    vectors: dict = {}
    timed("sentence embeddings", lambda: [vectors.update(zip(b, embedder.embed(b))) for b in batches])
    inside = _Clocked(embedder)
    table = VectorTable(vectors, inside)
    timed("comparison (alignment, conflicts, framing, events...)", lambda: [
        compare_story(s, [by_id[i] for i in s.article_ids], settings, table) for s in stories
    ])
    # the comparison embeds its claims itself (with token states): that share is shown apart
    cost["comparison (alignment, conflicts, framing, events...)"] -= inside.cpu
    cost["sentence embeddings"] += inside.cpu
    total = sum(cost.values())
    print(f"{len(arts)} articles, {len(stories)} stories, {len(set(texts))} distinct texts embedded "
          f"({len(texts)} uses), {table.missed} embedded during comparison")
    for name, sec in cost.items():
        print(f"  {name}: {sec:.1f} CPU s ({100 * sec / total:.0f} %)")
    print(f"  total {total:.1f} CPU s; parse alone {cost['spaCy parse']:.1f}: ratio {cost['spaCy parse'] / total:.2f}")


def _jsonl(articles: Sequence[Article], path: Path) -> None:
    import json

    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            row = {"outlet": a.outlet.name, "url": a.url, "title": a.title, "text": a.text,
                   "published": a.published.isoformat() if a.published else None}
            fh.write(json.dumps(row) + "\n")


def bench_copy_stages(limit: int) -> None:
    """What an exact duplicate and an edited wire copy add, stage by stage, in one process: the
    originals and the copies are parsed apart (the parse is per article), then grouped and
    compared without and with the copies. Steadier than end-to-end runs on a loaded machine,
    where the run-to-run noise is larger than 5 % of an article."""
    from storylens.compare import compare_story
    from storylens.engine.tasks import stage_embedder
    from storylens.group.dedupe import find_copies
    from storylens.group.stories import group_stories
    from storylens.ingest import read_inputs
    from storylens.pipeline import _attach_copies, drop_exact_duplicates
    from storylens.settings import Settings
    from storylens.understand import analyze_doc
    from storylens.understand.embed import VectorTable
    from storylens.understand.nlp import get_nlp

    arts, _ = load_articles()
    arts = arts[:limit]
    first = arts[::3]
    copies = [wire_copy(a, "Wire Reprints") for a in first]
    settings = Settings(workers=1)
    embedder = _Clocked(stage_embedder(settings))

    def cpu(fn: Callable[[], object]) -> tuple[float, object]:
        c = time.process_time()
        out = fn()
        return time.process_time() - c, out

    # ingest: reading JSONL records (cleanup, outlet, content hash) and dropping exact duplicates
    ingest: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, corpus in (("warm-up", first), ("fresh", arts), ("+ duplicates", arts + first)):
            path = Path(tmp) / f"{len(corpus)}.jsonl"
            _jsonl(corpus, path)
            ingest[name], kept = cpu(lambda: drop_exact_duplicates([a for a in read_inputs([str(path)], settings) if isinstance(a, Article)]))
            assert len(kept[0]) == len(set(a.id for a in corpus)), "exact duplicates were kept"  # type: ignore[index]

    def understand(items: Sequence[Article]) -> tuple[float, float, list]:
        p, docs = cpu(lambda: list(get_nlp().pipe([a.text for a in items], batch_size=8)))
        f, out = cpu(lambda: [analyze_doc(d, a) for d, a in zip(docs, items)])  # type: ignore[arg-type]
        return p, f, out  # type: ignore[return-value]

    parse_o, find_o, an_o = understand(arts)
    parse_c, find_c, an_c = understand(copies)

    def group_compare(items: Sequence[Article], analyses: list) -> tuple[float, float, float]:
        by_id = {a.article.id: a for a in analyses}

        def group() -> list:
            found = find_copies(items, threshold=settings.near_duplicate_threshold)
            originals = [a for a in analyses if a.article.id not in found]
            return _attach_copies(list(group_stories(originals, threshold=settings.story_threshold)), found, by_id)

        g, stories = cpu(group)
        embedder.cpu = 0.0
        c, _ = cpu(lambda: [
            compare_story(s, [by_id[i] for i in s.article_ids], settings, VectorTable({}, embedder)) for s in stories  # type: ignore[union-attr]
        ])
        return g, c - embedder.cpu, embedder.cpu

    group_compare(arts[:3], an_o[:3])  # warm-up: lexicons, the parse vocabulary, the model session
    g_o, c_o, e_o = group_compare(arts, an_o)
    g_c, c_c, e_c = group_compare(arts + copies, an_o + an_c)
    fresh = {"ingest": ingest["fresh"], "spaCy parse": parse_o, "findings": find_o,
             "dedupe + grouping": g_o, "claim embeddings (in compare)": e_o, "rest of compare": c_o}
    copy = {"ingest": None, "spaCy parse": parse_c, "findings": find_c,
            "dedupe + grouping": g_c - g_o, "claim embeddings (in compare)": e_c - e_o, "rest of compare": c_c - c_o}
    per_fresh = sum(fresh.values()) / len(arts)
    dup = (ingest["+ duplicates"] - ingest["fresh"]) / len(first)
    print(f"{len(arts)} BASIL articles; {len(first)} exact duplicates; {len(copies)} edited wire copies (one per story)")
    print(f"a fresh article: {per_fresh:.3f} CPU s, of which")
    for name, sec in fresh.items():
        print(f"  {name}: {sec / len(arts):.3f}")
    print(f"an exact duplicate (read, hashed, dropped): {dup:.4f} CPU s = {100 * dup / per_fresh:.1f} % of a fresh article")
    total = sum(v for v in copy.values() if v is not None) / len(copies)
    print(f"an edited wire copy (reading not counted): {total:.3f} CPU s = {100 * total / per_fresh:.0f} % of a fresh article, of which")
    for name, sec in copy.items():
        if sec is not None:
            print(f"  {name}: {sec / len(copies):.3f}")


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (from /proc), in MiB."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parent[int(name)] = int(fields[1])
            rss[int(name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree = {root}
    grew = True
    while grew:
        more = {p for p, pp in parent.items() if pp in tree} - tree
        grew = bool(more)
        tree |= more
    return sum(rss.get(p, 0) for p in tree) / 2**20


def bench_memory(sizes: Sequence[int], store: bool) -> None:
    for n in sizes:
        corpus = synthetic(n)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        with tempfile.TemporaryDirectory() as tmp:
            kw = {"store": str(Path(tmp) / "m.sqlite")} if store else {}
            t = measure(lambda: _analyze(corpus, **kw))
        done.set()
        sampler.join()
        print(_show(f"{n} articles{' (store)' if store else ''}", t, n) + f"; peak RSS of the process tree {peak[0]:.0f} MiB", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("ratio", "copies", "copy-stages", "incremental", "engines", "memory", "stages"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="engines (default 60), copies (default 150): the first N BASIL articles")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--store", action="store_true", help="memory: run through a store")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    from storylens.understand.nlp import get_nlp

    # loaded before any timing, in this process only: spaCy's n_process and the local engine
    # fork from here, so neither pays for loading it in its workers
    get_nlp()
    if args.what == "ratio":
        bench_ratio(args.repeat)
    elif args.what == "copies":
        bench_copies(args.repeat, args.limit or 150)
    elif args.what == "copy-stages":
        bench_copy_stages(args.limit or 150)
    elif args.what == "incremental":
        bench_incremental(args.repeat)
    elif args.what == "engines":
        bench_engines(args.limit or 60, args.repeat)
    elif args.what == "stages":
        bench_stages()
    else:
        bench_memory(args.sizes, args.store)


if __name__ == "__main__":
    main()
