"""Where we lose to a reference, topic by topic: which path each topic took and what it scored beside the reference.

``python bench/relevance_topics.py DIR --reference tantivy-en_stem`` runs the collection's topics through our
search (the index built once under ``var/tune``, as ``bench/relevance_tune.py`` builds it), notes for each topic
the path it took (``strict``: the AND kept; ``tiered``: relaxed with all words first; ``relaxed``: a long query's
ranked OR; ``+fb``: feedback added words), and prints per topic nDCG@10, AP and R@100, ours and the reference's
(the reference's run from ``--cache``), the worst losses first, then the totals per path.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from typing import Any  # noqa: E402

import ir_measures  # noqa: E402
from ir_measures import AP, R, nDCG  # noqa: E402

from bench.relevance import REFERENCE, _reference_run, read_jsonl, read_qrels, search_topics  # noqa: E402
from bench.relevance_refs import Run  # noqa: E402
from bench.relevance_tune import build, unhighlighted  # noqa: E402
from indexer.search import Engine, searching  # noqa: E402
from indexer.search.ranking import model  # noqa: E402

MEASURES = {"nDCG@10": nDCG @ 10, "AP": AP, "R@100": R @ 100}


def per_topic(qrels: list[ir_measures.Qrel], run: Run) -> dict[str, dict[str, float]]:
    """``{qid: {measure: value}}`` for every judged topic (0 where the run has nothing)."""
    names = {m: n for n, m in MEASURES.items()}
    scored = [ir_measures.ScoredDoc(q, d, s) for q, docs in run.items() for d, s in docs.items()]
    found: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0.0))
    for q in {q.query_id for q in qrels}:
        found[q] = dict.fromkeys(MEASURES, 0.0)
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, scored):
        found[metric.query_id][names[metric.measure]] = metric.value
    return dict(found)


@contextmanager
def paths(record: dict[str, str]) -> Iterator[None]:
    """Record, per query text, the path it took (strict, tiered, relaxed, with feedback)."""
    run, expand, find = searching._Ranker.run, searching.feedback.expand, searching.find
    state: dict[str, Any] = {}

    def run_(self: Any, query: Any, coordinated: Any = None) -> Any:
        if coordinated is None:
            state["path"] = "strict"
        elif not state["path"].endswith("+fb"):
            state["path"] = "tiered" if len(coordinated.subqueries) <= model.SHORT_QUERY_WORDS else "relaxed"
        return run(self, query, coordinated)

    def expand_(*args: Any) -> Any:
        out = expand(*args)
        if out is not None:
            state["path"] += "+fb"
        return out

    def find_(searcher: Any, request: Any, *args: Any) -> Any:
        state["path"] = "strict"
        out = find(searcher, request, *args)
        record[request.q] = state["path"]
        return out

    searching._Ranker.run, searching.find, searching.feedback.expand = run_, find_, expand_
    try:
        yield
    finally:
        searching._Ranker.run, searching.find, searching.feedback.expand = run, find, expand


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path)
    parser.add_argument("--reference", default="bm25s-en", choices=sorted(REFERENCE))
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "relevance-refs")
    parser.add_argument("--indexes", type=Path, default=ROOT / "var" / "tune")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--top", type=int, default=25, help="how many of the worst topics to list")
    args = parser.parse_args(argv)
    folder = args.collection
    docs, topics = read_jsonl(folder / "corpus.jsonl"), read_jsonl(folder / "topics.jsonl")
    qrels = list(read_qrels(folder / "qrels.txt"))
    index = build(folder, args.indexes, args.rebuild)
    taken: dict[str, str] = {}
    engine = Engine(index)
    with unhighlighted(), paths(taken):
        run = search_topics(engine, topics)
    engine.close()
    reference = _reference_run(folder, args.reference, REFERENCE[args.reference], docs, topics, args.cache)
    ours, theirs = per_topic(qrels, run), per_topic(qrels, reference)
    text = {str(t["qid"]): t["query"] for t in topics}
    path = {q: taken.get(text.get(q, ""), "?") for q in ours}
    order = sorted(ours, key=lambda q: ours[q]["nDCG@10"] - theirs[q]["nDCG@10"])
    print("| topic | path | nDCG@10 ours/ref | AP ours/ref | R@100 ours/ref | query |")
    print("| --- | --- | --- | --- | --- | --- |")
    for q in order[: args.top]:
        cells = " | ".join(f"{ours[q][m]:.3f}/{theirs[q][m]:.3f}" for m in MEASURES)
        print(f"| {q} | {path[q]} | {cells} | {text.get(q, '')[:70]} |")
    totals: dict[str, list[str]] = defaultdict(list)
    for q in ours:
        totals[path[q]].append(q)
    print("\n| path | topics | " + " | ".join(f"sum Δ{m}" for m in MEASURES) + " |")
    print("| --- | ---: |" + " ---: |" * len(MEASURES))
    for name, qs in sorted(totals.items()):
        sums = " | ".join(f"{sum(ours[q][m] - theirs[q][m] for q in qs) / len(ours):+.4f}" for m in MEASURES)
        print(f"| {name} | {len(qs)} | {sums} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
