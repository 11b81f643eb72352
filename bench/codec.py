"""Whoosh's W3 postings against our array codec: index size and in-process query latency, same data, same run.

``python -m bench.codec --size 10000 --out var/bench-codec`` builds a real-news corpus (``bench.corpus``) twice
with our build in one process (one segment each, so the two indexes differ only in the codec), then runs the
benchmark's query set (``bench.queries``) through ``Engine.search`` with every feature on, each query against both
indexes in turn, after a warm-up pass. ``--profile`` adds a cProfile of each format.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec

from bench import corpus as corpus_mod
from bench.queries import make_queries
from indexer.index import build as build_mod
from indexer.index import store, writers
from indexer.index.build import reindex
from indexer.index.codec import codec
from indexer.search import Engine

FORMATS = {"w3": W3Codec, "ours": codec}


def build(corpus: Path, root: Path, make_codec: Any) -> float:
    """Our full build of ``corpus`` with the given codec, in this process (so the codec reaches the writer, and
    both formats get one segment with the same document numbers); the CPU seconds it took."""
    saved = build_mod.PARALLEL_MIN_FILES, writers.codec
    build_mod.PARALLEL_MIN_FILES, writers.codec = 10**9, make_codec
    started = time.process_time()
    try:
        reindex(corpus, root, full=True)
        return round(time.process_time() - started, 1)
    finally:
        build_mod.PARALLEL_MIN_FILES, writers.codec = saved


def sizes(root: Path) -> dict[str, float]:
    """MB on disk: the whole index and the postings files (``.pst`` plus our ``.pos``)."""
    files = [p for p in (store.current_dir(root) or root).iterdir() if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    postings = sum(p.stat().st_size for p in files if p.suffix in (".pst", ".pos"))
    return {"index_mb": round(total / 1e6, 1), "postings_mb": round(postings / 1e6, 1)}


def time_queries(roots: dict[str, Path], texts: list[tuple[str, str]], passes: int) -> dict[str, dict[str, Any]]:
    """Each query against each format in turn (warm-up pass first); milliseconds per query and kind."""
    engines = {name: Engine(root) for name, root in roots.items()}
    took: dict[str, dict[str, list[float]]] = {name: {} for name in roots}
    for round_ in range(passes + 1):
        for kind, text in texts:
            for name, engine in engines.items():
                started = time.perf_counter()
                engine.search(text, page=1, per_page=10)
                if round_:  # round 0 warms the page cache and per-segment caches
                    took[name].setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    for engine in engines.values():
        engine.close()
    return {name: _percentiles(kinds) for name, kinds in took.items()}


def _percentiles(kinds: dict[str, list[float]]) -> dict[str, Any]:
    every = np.concatenate([np.asarray(v) for v in kinds.values()])
    table = {"all": _p(every)}
    table.update({kind: _p(np.asarray(v)) for kind, v in kinds.items()})
    return table


def _p(ms: np.ndarray) -> dict[str, float]:
    return {f"p{q}": round(float(np.percentile(ms, q)), 2) for q in (50, 95, 99)}


def profile(root: Path, texts: list[tuple[str, str]], top: int = 25) -> str:
    """cProfile of one pass over the queries (after a warm-up pass): the functions with the most own time."""
    engine = Engine(root)
    for _, text in texts:
        engine.search(text, page=1, per_page=10)
    profiler = cProfile.Profile()
    profiler.enable()
    for _, text in texts:
        engine.search(text, page=1, per_page=10)
    profiler.disable()
    engine.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    """Build the corpus in both formats, measure; print JSON (and the profiles with ``--profile``)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="articles in the corpus")
    parser.add_argument("--out", type=Path, default=Path("var/bench-codec"), help="scratch folder")
    parser.add_argument("--passes", type=int, default=2, help="timed passes over the query set")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of each format")
    parser.add_argument("--build-only", action="store_true", help="build the corpus and the indexes, then stop")
    parser.add_argument(
        "--build",
        choices=sorted(FORMATS),
        nargs="*",
        default=sorted(FORMATS),
        help="which formats this run may build (a missing other one is waited for)",
    )
    args = parser.parse_args(argv)
    out = args.out / str(args.size)
    corpus = out / "corpus"
    if not corpus.is_dir():
        corpus_mod.generate(corpus, args.size)
    roots = {name: out / name for name in FORMATS}
    build_cpu_s = {}
    for name, make in FORMATS.items():
        if store.current_dir(roots[name]) is None and name in args.build:
            build_cpu_s[name] = build(corpus, roots[name], make)
    print(json.dumps({"build_cpu_s": build_cpu_s}))
    if args.build_only:
        return
    while any(store.current_dir(root) is None for root in roots.values()):  # built by another run
        time.sleep(10)
    texts = [(q.kind, q.whoosh()) for q in make_queries(corpus_mod.load_pool())]
    report = {
        "articles": args.size,
        "queries": len(texts),
        "passes": args.passes,
        "sizes": {name: sizes(root) for name, root in roots.items()},
        "latency_ms": time_queries(roots, texts, args.passes),
    }
    print(json.dumps(report, indent=1))
    if args.profile:
        for name, root in roots.items():
            print(f"\n## cProfile, {name}\n{profile(root, texts)}")


if __name__ == "__main__":
    main()
