"""The speed benchmark: ours against naive Whoosh, tantivy and SQLite FTS5 on one corpus, in one run.

``python -m bench.run --corpus real --size 10000`` writes ``bench/results/speed.json`` and ``speed.md`` (the
current figures, by corpus and size) and appends the run to ``bench/results/history.jsonl``; ``--json`` prints
one size's figures on stdout instead. Corpora: ``real`` (distinct real news as JSONL exports, plain text) and
``mixed`` (real paragraphs recombined into txt, html and jsonl files). Every system reads the corpus files itself.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import corpus as corpus_mod
from bench.load import load_test
from bench.queries import BenchQuery, make_queries
from bench.systems import BASELINES, Search, dir_mb, timed_build
from indexer.search import Engine

SYSTEMS = ("ours", "naive_whoosh", "tantivy", "fts5")
RESULTS = Path(__file__).parent / "results"


def run_ours(corpus: Path, root: Path, full: bool) -> dict[str, Any]:
    """One real reindex in a fresh process."""
    args = [sys.executable, "-m", "bench.ours", str(corpus), str(root)] + (["--full"] if full else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def latencies(run: Search, queries: list[BenchQuery]) -> dict[str, float]:
    """p50/p95/p99 in ms over the query set, after one warm-up pass, and the CPU time per query (which other jobs
    on the machine barely move, unlike wall time)."""
    for q in queries:
        run(q)
    times = []
    cpu = time.process_time()
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(queries)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "p99_ms": cuts[98],
        "mean_ms": statistics.fmean(times),
        "cpu_ms": cpu_ms,
    }


def ours_searcher(root: Path) -> Search:
    """Our real search path: the ``Engine`` the web app uses (top 10, highlighted), with every feature on (facets,
    timeline, folding, highlights, corrections); the product caches no whole answers."""
    engine = Engine(root)
    return lambda q: engine.search(q.whoosh(), page=1, per_page=10).total


def bench_size(
    size: int,
    work: Path,
    systems: tuple[str, ...],
    http_seconds: int,
    seed: int,
    max_queries: int | None = None,
    kind: str = "mixed",
) -> dict[str, Any]:
    """Every figure for one corpus size (``max_queries`` trims the query set, for tests only)."""

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {size}: {msg}", file=sys.stderr, flush=True)
        # A run too long to wait for still leaves every figure measured so far.
        (work / f"partial-{size}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")

    corpus, root = work / f"corpus-{size}", work / f"index-{size}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    pool = corpus_mod.load_pool()
    if kind == "real":
        files = corpus_mod.real_news(corpus, size, seed=seed)
    else:
        files = corpus_mod.generate(corpus, size, seed=seed, pool=pool)
    queries = make_queries(pool, seed=seed)[:max_queries]
    corpus_mb = dir_mb(corpus)
    result: dict[str, Any] = {
        "corpus": kind,
        "size": size,
        "corpus_mb": round(corpus_mb, 1),
        "files": files,
        "build": {},
        "query": {},
        "queries": len(queries),
    }
    log(f"corpus {corpus_mb:.0f} MB, {files}; {len(queries)} queries")

    full = run_ours(corpus, root, full=True)
    result["build"]["ours"] = _build_figures(full["documents"], corpus_mb, full["seconds"], dir_mb(root))
    result["build"]["ours"]["cpu_seconds"] = round(full["cpu_seconds"], 1)
    result["build"]["ours"]["processes"] = full.get("processes", 1)
    # The main process and the largest sub-writer; the cleaning workers are not counted.
    result["rss_mb"] = {"indexer": round(full["rss_mb"], 1), "sub_writer": round(full.get("writer_rss_mb", 0), 1)}
    log(f"ours full build {full['seconds']:.1f} s")
    changed = corpus_mod.touch_fraction(corpus, 0.01)
    inc = run_ours(corpus, root, full=False)
    result["incremental"] = {
        "seconds": round(inc["seconds"], 3),
        "full_seconds": round(full["seconds"], 3),
        "files_changed": changed,
        "documents_changed": inc["changed"],
        "ratio": round(inc["seconds"] / full["seconds"], 4),
    }
    log(f"incremental {inc['seconds']:.2f} s")
    result["query"]["ours"] = _rounded(latencies(ours_searcher(root), queries))
    log(f"ours query {result['query']['ours']}")

    for name in (s for s in systems if s in BASELINES):
        out = work / f"{name}-{size}"
        docs, seconds, cpu = timed_build(name, corpus, out)  # reading the files included, as a user would
        result["build"][name] = _build_figures(docs, corpus_mb, seconds, dir_mb(out))
        result["build"][name]["cpu_seconds"] = round(cpu, 3)
        run, close = BASELINES[name][1](out)
        result["query"][name] = _rounded(latencies(run, queries))
        close()
        shutil.rmtree(out, ignore_errors=True)
        log(f"{name}: build {seconds:.1f} s, query {result['query'][name]}")

    if http_seconds:
        http = load_test(root, queries, seconds=http_seconds)
        in_process_qps = 1000 / result["query"]["ours"]["mean_ms"]
        http["target_rps"] = round(0.8 * http["workers"] * in_process_qps, 1)
        http["seq_minus_in_process_p50_ms"] = http["seq_p50_ms"] - result["query"]["ours"]["p50_ms"]
        # A worker's CPU per request against the search's own in-process CPU per query: what the HTTP layer costs,
        # whatever else runs on the machine (wall-clock requests/s on shared cores are not).
        http["worker_cpu_ratio"] = http["worker_cpu_ms"] / result["query"]["ours"]["cpu_ms"]
        result["http"] = _rounded(http)
        result["rss_mb"]["worker"] = round(http["worker_rss_mb"] or 0, 1)
        log(f"http {result['http']}")
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    return result


def _build_figures(docs: int, corpus_mb: float, seconds: float, index_mb: float) -> dict[str, float]:
    return {
        "docs": docs,
        "seconds": round(seconds, 2),
        "docs_per_s": round(docs / seconds, 1),
        "mb_per_s": round(corpus_mb / seconds, 2),
        "index_mb": round(index_mb, 1),
    }


def _rounded(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def markdown(results: list[dict[str, Any]]) -> str:
    """The side-by-side table, with ratios and the targets."""
    lines = [
        "| corpus | size | system | build docs/s | build CPU s | index MB | query p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for name in SYSTEMS:
            b, q = r["build"].get(name), r["query"].get(name)
            if b is None:
                continue
            lines.append(
                f"| {r.get('corpus', 'mixed')} | {r['size']:,} | {name} | {b['docs_per_s']:,.0f} | "
                f"{b.get('cpu_seconds', 0):.0f} | {b['index_mb']:.0f} | {q['p50_ms']:.2f} | "
                f"{q['p95_ms']:.2f} | {q['p99_ms']:.2f} |"
            )
        if "http" in r and "seq_p50_ms" in r["http"]:
            h = r["http"]
            lines.append(
                f"| {r.get('corpus', 'mixed')} | {r['size']:,} | ours over HTTP (one client) | | | | "
                f"{h['seq_p50_ms']:.2f} ({h['seq_minus_in_process_p50_ms']:+.2f}) | {h['seq_p95_ms']:.2f} | |"
            )
    lines += ["", "| corpus | size | target | measured | holds |", "| --- | ---: | --- | --- | --- |"]
    for r in results:
        lines += [
            f"| {r.get('corpus', 'mixed')} | {r['size']:,} | {t} | {m} | {'yes' if ok else 'no'} |"
            for t, m, ok in _targets(r)
        ]
    return "\n".join(lines) + "\n"


def _targets(r: dict[str, Any]) -> list[tuple[str, str, bool]]:
    out = []
    b, q = r["build"], r["query"]
    if "naive_whoosh" in b:
        x = b["ours"]["docs_per_s"] / b["naive_whoosh"]["docs_per_s"]
        cpu = ""
        if "cpu_seconds" in b["ours"] and "cpu_seconds" in b["naive_whoosh"]:
            # Load from other jobs stretches wall time, not CPU time: the work each build does, side by side.
            cpu = f" (CPU s: ours {b['ours']['cpu_seconds']:.0f}, naive {b['naive_whoosh']['cpu_seconds']:.0f})"
        out.append(("build ≥ 10x naive Whoosh docs/s (4x the floor)", f"{x:.2f}x{cpu}", x >= 10))
    inc = r["incremental"]
    out.append(("incremental (1% changed) < 5% of full", f"{inc['ratio'] * 100:.1f}%", inc["ratio"] < 0.05))
    if "fts5" in q:
        x50, x95 = q["ours"]["p50_ms"] / q["fts5"]["p50_ms"], q["ours"]["p95_ms"] / q["fts5"]["p95_ms"]
        out.append(("p50 ≤ FTS5 p50", f"{x50:.2f}x FTS5", x50 <= 1))
        out.append(("p95 ≤ 2x FTS5 p95", f"{x95:.2f}x FTS5", x95 <= 2))
    if "naive_whoosh" in q:
        y50 = q["naive_whoosh"]["p50_ms"] / q["ours"]["p50_ms"]
        y95 = q["naive_whoosh"]["p95_ms"] / q["ours"]["p95_ms"]
        out.append(("p50 ≥ 3x faster than naive Whoosh", f"{y50:.2f}x", y50 >= 3))
        out.append(("p95 ≥ 3x faster than naive Whoosh", f"{y95:.2f}x", y95 >= 3))
    if "http" in r:
        h = r["http"]
        if "seq_p50_ms" in h:
            gap = h["seq_minus_in_process_p50_ms"]
            out.append(("one HTTP client's p50 within 2 ms of in-process p50", f"{gap:+.2f} ms", gap <= 2))
        out.append(
            (
                f"HTTP ≥ 80% of {h['workers']} workers x in-process q/s ({h['target_rps']} req/s), 0 errors",
                f"{h['rps']:.1f} req/s, p99 {h['p99_ms']:.0f} ms, {h['errors']} errors",
                h["rps"] >= h["target_rps"] and h["errors"] == 0,
            )
        )
        if "worker_cpu_ms" in h:
            ratio = h["worker_cpu_ratio"]
            out.append(
                (
                    "HTTP worker CPU per request ≤ 1.25x in-process CPU per query (the 80% target on free cores)",
                    f"{h['worker_cpu_ms']:.2f} vs {r['query']['ours']['cpu_ms']:.2f} ms ({ratio:.2f}x)",
                    ratio <= 1.25,
                )
            )
    rss = r["rss_mb"]
    out.append(
        (
            "peak RSS reported",
            f"indexer {rss['indexer']:.0f} MB (+ sub-writer {rss.get('sub_writer', 0):.0f} MB"
            f" each), worker {rss.get('worker', 0):.0f} MB",
            True,
        )
    )
    return out


def merged(path: Path, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The saved results with this run's (corpus, size) replaced, so sizes and corpora can run apart."""
    try:
        saved = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        saved = []

    def key(r: dict[str, Any]) -> tuple[str, int]:
        return r.get("corpus", "mixed"), r["size"]

    by_key = {key(r): r for r in saved if isinstance(r, dict) and "size" in r}
    by_key.update((key(r), r) for r in results)
    return [by_key[k] for k in sorted(by_key, key=lambda k: (k[0] != "real", k[1]))]


def append_history(path: Path, results: list[dict[str, Any]]) -> None:
    """Add this run's figures, with the date and commit, to the history file (one JSON object a line)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent
    ).stdout.strip()
    when = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as history:
        for r in results:
            history.write(json.dumps({"date": when, "commit": commit, **r}) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Parse options, run every size, write JSON and markdown."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, action="append", help="corpus size (repeatable; default 10k and 100k)")
    parser.add_argument(
        "--corpus",
        action="append",
        choices=("real", "mixed"),
        help="real: distinct real news as JSONL; mixed: txt/html/jsonl (repeatable; default both)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout, write nothing")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated; ours always runs")
    parser.add_argument("--http-seconds", type=int, default=15, help="wrk duration (0 skips the HTTP test)")
    parser.add_argument("--work", type=Path, default=Path("var/bench"), help="scratch folder for corpora/indexes")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for speed.json and speed.md")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    sizes = args.size or [10_000, 100_000]
    systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
    args.work.mkdir(parents=True, exist_ok=True)
    kinds = args.corpus or ["real", "mixed"]
    results = [bench_size(n, args.work, systems, args.http_seconds, args.seed, kind=k) for k in kinds for n in sizes]
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, indent=2))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    append_history(args.out / "history.jsonl", results)
    results = merged(args.out / "speed.json", results)
    (args.out / "speed.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    table = markdown(results)
    (args.out / "speed.md").write_text(table, "utf-8")
    print(table)


if __name__ == "__main__":
    main()
