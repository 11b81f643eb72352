"""Relevance on a test collection: our real index and query path against reference systems.

``python bench/relevance.py COLLECTION_DIR [--json] [--run FILE]`` where the folder holds ``corpus.jsonl``
(``{id, title, text}``), ``topics.jsonl`` (``{qid, query}``) and ``qrels.txt`` (``qid 0 docid rel``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script from anywhere: make the repository's packages importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

import ir_measures  # noqa: E402
from ir_measures import AP, RR, P, R, nDCG  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh import qparser, scoring  # noqa: E402
from whoosh.analysis import StemmingAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402

from bench.reference import Fts5, RefDoc, Tantivy  # noqa: E402
from indexer.index.build import reindex  # noqa: E402
from indexer.search import MAX_PER_PAGE, Engine  # noqa: E402

MEASURES = {"nDCG@10": nDCG @ 10, "MAP": AP, "P@10": P @ 10, "R@100": R @ 100, "MRR@10": RR @ 10}
DEPTH = 100
Run = dict[str, dict[str, float]]
System = Callable[[list[dict], list[dict]], Run]


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSONL file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def words(text: str) -> list[str]:
    """The plain words of a topic, for systems whose query syntax would trip on punctuation."""
    return re.findall(r"\w+", text.lower())


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
        run = {}
        for topic in topics:
            hits = engine.search(topic["query"], per_page=MAX_PER_PAGE).hits[:DEPTH]
            run[str(topic["qid"])] = {h.id: float(h.score) for h in hits}
        engine.close()
    return _strictly_ranked(run)


def whoosh_defaults(docs: list[dict], topics: list[dict]) -> Run:
    """Plain Whoosh: StemmingAnalyzer, BM25F defaults, words ORed over title and text."""
    with tempfile.TemporaryDirectory() as folder:
        schema = Schema(
            id=ID(stored=True), title=TEXT(analyzer=StemmingAnalyzer()), text=TEXT(analyzer=StemmingAnalyzer())
        )
        ix = whoosh_index.create_in(folder, schema)
        with ix.writer(limitmb=256) as writer:
            for doc in docs:
                writer.add_document(id=str(doc["id"]), title=doc.get("title") or "", text=doc.get("text") or "")
        parser = qparser.MultifieldParser(["title", "text"], schema, group=qparser.OrGroup)
        with ix.searcher(weighting=scoring.BM25F()) as searcher:
            run = {}
            for topic in topics:
                results = searcher.search(parser.parse(" ".join(words(topic["query"]))), limit=DEPTH)
                run[str(topic["qid"])] = {h["id"]: float(h.score) for h in results}
        ix.close()
    return _strictly_ranked(run)


def tantivy_en_stem(docs: list[dict], topics: list[dict]) -> Run:
    """Tantivy with its English stemming tokenizer and BM25, words ORed over title and text."""
    index = Tantivy.build(_ref_docs(docs))

    def ranked(terms: list[str]) -> dict[str, float]:
        return {hit.id: hit.score for hit in index.search(" ".join(terms), DEPTH)[0]}

    return _strictly_ranked(_word_run(topics, ranked))


def sqlite_fts5(docs: list[dict], topics: list[dict]) -> Run:
    """SQLite FTS5 with the porter tokenizer and its bm25(), words ORed."""
    index = Fts5.build(_ref_docs(docs), tokenize="porter unicode61")

    def ranked(terms: list[str]) -> dict[str, float]:
        return {hit.id: hit.score for hit in index.search(" OR ".join(f'"{t}"' for t in terms), DEPTH)}

    run = _word_run(topics, ranked)
    index.close()
    return _strictly_ranked(run)


def _ref_docs(docs: list[dict]) -> list[RefDoc]:
    return [RefDoc(str(d["id"]), d.get("title") or "", d.get("text") or "") for d in docs]


REFERENCE: dict[str, System] = {
    "whoosh-defaults": whoosh_defaults,
    "tantivy-en_stem": tantivy_en_stem,
    "sqlite-fts5-porter": sqlite_fts5,
}


def _word_run(topics: list[dict], ranked: Callable[[list[str]], dict[str, float]]) -> Run:
    """Each topic's plain words through a reference system's ``ranked``; a topic with no words ranks nothing."""
    return {str(t["qid"]): ranked(terms) if (terms := words(t["query"])) else {} for t in topics}


def _strictly_ranked(run: Run) -> Run:
    """Scores that keep each system's own order: evaluation tools break score ties by doc id otherwise."""
    ranked: Run = {}
    for qid, scores in run.items():
        ordered = list(scores)  # insertion order is the system's rank order
        ranked[qid] = {doc_id: float(len(ordered) - rank) for rank, doc_id in enumerate(ordered)}
    return ranked


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


def bench(collection: Path, references: dict[str, System] | None = None, run_file: Path | None = None) -> dict:
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
        "reference": {name: evaluate(qrels, system(docs, topics)) for name, system in systems.items()},
    }


def table(figures: dict) -> str:
    """The figures as a Markdown table, ours first."""
    rows = [("newsfind (ours)", figures["ours"]), *figures["reference"].items()]
    lines = ["| system | " + " | ".join(MEASURES) + " |", "| --- |" + " ---: |" * len(MEASURES)]
    lines += [f"| {name} | " + " | ".join(f"{values[m]:.4f}" for m in MEASURES) + " |" for name, values in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path, help="folder with corpus.jsonl, topics.jsonl, qrels.txt")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--run", type=Path, metavar="FILE", help="write our ranking as a TREC run file")
    args = parser.parse_args(argv)
    for name in ("corpus.jsonl", "topics.jsonl", "qrels.txt"):
        if not (args.collection / name).is_file():
            parser.error(f"{args.collection / name} not found")
    figures = bench(args.collection, run_file=args.run)
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
