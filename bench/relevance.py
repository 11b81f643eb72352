"""Relevance on test collections: our real index and query path against reference systems.

``python bench/relevance.py`` runs every ``ir-*`` collection under the shared data (``bench.shared.DATA``);
``python bench/relevance.py DIR [DIR ...]`` runs those given, each a folder holding ``corpus.jsonl``
(``{id, title, text}``), ``topics.jsonl`` (``{qid, query}``) and ``qrels.txt`` (``qid 0 docid rel``).
With one collection, ``--run FILE`` writes our top 100 per topic as a TREC run file and ``--json`` prints
``{"ours": ..., "reference": ...}``; with several, the JSON is ``{"collections": {name: ...}, "mean": ...}``.
``--cache DIR`` keeps the reference systems' runs between invocations (they do not change while ours is tuned).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script from anywhere: make the repository's packages importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import ir_measures  # noqa: E402
from ir_measures import AP, RR, P, R, nDCG  # noqa: E402

from bench.relevance_refs import DEPTH, Run, System, available, strictly_ranked, words  # noqa: E402, F401
from bench.shared import DATA  # noqa: E402
from indexer.index.build import reindex  # noqa: E402
from indexer.search import MAX_PER_PAGE, Engine  # noqa: E402
from indexer.search import request as search_request  # noqa: E402

MEASURES = {"nDCG@10": nDCG @ 10, "MAP": AP, "P@10": P @ 10, "R@100": R @ 100, "MRR@10": RR @ 10}
# The measures of the all-collection table (the single-collection table shows every one).
SUMMARY = ("nDCG@10", "MAP", "R@100")
REFERENCE: dict[str, System] = available()
OURS = "newsfind (ours)"


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSONL file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def ours(docs: list[dict], topics: list[dict]) -> Run:
    """Our whole product path: a JSONL corpus reindexed by ``indexer.index.build``, queried through ``Engine``."""
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        corpus.mkdir()
        with (corpus / "corpus.jsonl").open("w", encoding="utf-8") as out:
            for doc in docs:
                record = {"id": str(doc["id"]), "title": doc.get("title") or "", "text": doc.get("text") or ""}
                out.write(json.dumps(record) + "\n")
        root = Path(folder) / "index"
        reindex(corpus, root, full=True)
        engine = Engine(root)
        run = search_topics(engine, topics)
        engine.close()
    return run


def search_topics(engine: Engine, topics: list[dict]) -> Run:
    """Our top ``DEPTH`` for each topic, as typed."""
    run = {}
    with long_queries():
        for topic in topics:
            hits = engine.search(topic["query"], per_page=MAX_PER_PAGE).hits[:DEPTH]
            run[str(topic["qid"])] = {h.id: float(h.score) for h in hits}
    return strictly_ranked(run)


@contextmanager
def long_queries() -> Iterator[None]:
    """Lift the product's cap on a query's length while topics run: some topics are long descriptions (cisi's
    longest has 2,083 characters, above ``MAX_QUERY_CHARS``), and the references read them whole."""
    cap = search_request.MAX_QUERY_CHARS
    search_request.MAX_QUERY_CHARS = 10**6
    try:
        yield
    finally:
        search_request.MAX_QUERY_CHARS = cap


def read_qrels(path: Path) -> Iterator[ir_measures.Qrel]:
    """TREC qrels, ``qid iter docid rel``."""
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4:
            yield ir_measures.Qrel(parts[0], parts[2], int(parts[3]))


def evaluate(qrels: list[ir_measures.Qrel], run: Run) -> dict[str, float]:
    """Mean of each measure over the topics that have judgments (a topic with no results counts as 0)."""
    judged = {q.query_id for q in qrels}
    full_run = {qid: run.get(qid, {}) for qid in judged}
    scored = [ir_measures.ScoredDoc(qid, doc_id, s) for qid, docs in full_run.items() for doc_id, s in docs.items()]
    per_query: dict[str, dict[str, float]] = {name: {} for name in MEASURES}
    names = {measure: name for name, measure in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, scored):
        per_query[names[metric.measure]][metric.query_id] = metric.value
    return {
        name: round(sum(values.get(q, 0.0) for q in judged) / len(judged), 4) if judged else 0.0
        for name, values in per_query.items()
    }


def write_run(run: Run, path: Path, tag: str = "newsfind") -> None:
    """Our ranking as a TREC run file: ``qid Q0 docid rank score tag``, top 100 per topic."""
    with path.open("w", encoding="utf-8") as out:
        for qid, docs in run.items():
            ranked = sorted(docs.items(), key=lambda item: -item[1])[:DEPTH]
            for rank, (doc_id, score) in enumerate(ranked, start=1):
                out.write(f"{qid} Q0 {doc_id} {rank} {score:g} {tag}\n")


def bench(
    collection: Path,
    references: dict[str, System] | None = None,
    run_file: Path | None = None,
    cache: Path | None = None,
) -> dict:
    """``{"ours": {measure: value}, "reference": {name: {measure: value}}}`` for one collection."""
    docs = read_jsonl(collection / "corpus.jsonl")
    topics = read_jsonl(collection / "topics.jsonl")
    qrels = list(read_qrels(collection / "qrels.txt"))
    run = ours(docs, topics)
    if run_file is not None:
        write_run(run, run_file)
    systems = REFERENCE if references is None else references
    return {
        "ours": evaluate(qrels, run),
        "reference": {
            name: evaluate(qrels, _reference_run(collection, name, system, docs, topics, cache))
            for name, system in systems.items()
        },
    }


def _reference_run(
    collection: Path, name: str, system: System, docs: list[dict], topics: list[dict], cache: Path | None
) -> Run:
    """A reference system's run, from ``cache`` when it holds one for these exact records and topics."""
    if cache is None:
        return system(docs, topics)
    digest = hashlib.sha256()
    for part in ("corpus.jsonl", "topics.jsonl"):
        digest.update((collection / part).read_bytes())
    path = cache / f"{collection.name}.{name}.{digest.hexdigest()[:16]}.json"
    if path.is_file():
        return json.loads(path.read_text("utf-8"))
    run = system(docs, topics)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run), "utf-8")
    return run


def bench_all(collections: list[Path], cache: Path | None = None) -> dict:
    """Every collection's figures and, per system, the mean of each measure over the collections."""
    figures = {folder.name: bench(folder, cache=cache) for folder in collections}
    systems = [OURS, *REFERENCE]
    mean = {
        system: {m: round(sum(_row(f, system)[m] for f in figures.values()) / len(figures), 4) for m in MEASURES}
        for system in systems
    }
    return {"collections": figures, "mean": mean}


def _row(figures: dict, system: str) -> dict[str, float]:
    return figures["ours"] if system == OURS else figures["reference"][system]


def table(figures: dict) -> str:
    """One collection's figures as a Markdown table, ours first."""
    rows = [(OURS, figures["ours"]), *figures["reference"].items()]
    lines = ["| system | " + " | ".join(MEASURES) + " |", "| --- |" + " ---: |" * len(MEASURES)]
    lines += [f"| {name} | " + " | ".join(f"{values[m]:.4f}" for m in MEASURES) + " |" for name, values in rows]
    return "\n".join(lines)


def table_all(results: dict) -> str:
    """Per collection and system nDCG@10, MAP and R@100, then the mean over collections, as Markdown."""
    lines = ["| collection | system | " + " | ".join(SUMMARY) + " |", "| --- | --- |" + " ---: |" * len(SUMMARY)]
    blocks = [
        *((name, lambda s, f=f: _row(f, s)) for name, f in results["collections"].items()),
        ("**mean**", lambda s: results["mean"][s]),
    ]
    for name, row in blocks:
        lines += [
            f"| {name} | {system} | " + " | ".join(f"{row(system)[m]:.4f}" for m in SUMMARY) + " |"
            for system in results["mean"]
        ]
    return "\n".join(lines)


def collections_under(data: Path) -> list[Path]:
    """The test collections in the shared data: every ``ir-*`` folder."""
    return sorted(p for p in data.glob("ir-*") if p.is_dir())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "collections",
        type=Path,
        nargs="*",
        help=f"folders with corpus.jsonl, topics.jsonl, qrels.txt (default: {DATA}/ir-*)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--run", type=Path, metavar="FILE", help="write our TREC run (one collection)")
    parser.add_argument("--cache", type=Path, metavar="DIR", help="keep the reference systems' runs here")
    args = parser.parse_args(argv)
    collections = args.collections or collections_under(DATA)
    if not collections:
        parser.error(f"no ir-* collection under {DATA} (set NEWSFIND_DATA)")
    for folder in collections:
        for name in ("corpus.jsonl", "topics.jsonl", "qrels.txt"):
            if not (folder / name).is_file():
                parser.error(f"{folder / name} not found")
    if args.run is not None and len(collections) > 1:
        parser.error("--run writes one collection's run: name one collection")
    if args.collections and len(collections) == 1:
        figures = bench(collections[0], run_file=args.run, cache=args.cache)
        print(json.dumps(figures, indent=2) if args.json else table(figures))
        return 0
    results = bench_all(collections, cache=args.cache)
    print(json.dumps(results, indent=2) if args.json else table_all(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
