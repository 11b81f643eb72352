"""The reference systems of the relevance benchmark, each in its default configuration, words ORed.

Each takes the collection's records and topics and returns a run: ``{qid: {doc_id: score}}`` in rank order.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable

from whoosh import index as whoosh_index
from whoosh import qparser, scoring
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema

from bench.reference import Fts5, RefDoc, Tantivy

DEPTH = 100
Run = dict[str, dict[str, float]]
System = Callable[[list[dict], list[dict]], Run]


def words(text: str) -> list[str]:
    """The plain words of a topic, for systems whose query syntax would trip on punctuation."""
    return re.findall(r"\w+", text.lower())


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
    return strictly_ranked(run)


def tantivy_en_stem(docs: list[dict], topics: list[dict]) -> Run:
    """Tantivy with its English stemming tokenizer and BM25, words ORed over title and text."""
    index = Tantivy.build(_ref_docs(docs))

    def ranked(terms: list[str]) -> dict[str, float]:
        return {hit.id: hit.score for hit in index.search(" ".join(terms), DEPTH)[0]}

    return strictly_ranked(_word_run(topics, ranked))


def sqlite_fts5(docs: list[dict], topics: list[dict]) -> Run:
    """SQLite FTS5 with the porter tokenizer and its bm25(), words ORed."""
    index = Fts5.build(_ref_docs(docs), tokenize="porter unicode61")

    def ranked(terms: list[str]) -> dict[str, float]:
        return {hit.id: hit.score for hit in index.search(" OR ".join(f'"{t}"' for t in terms), DEPTH)}

    run = _word_run(topics, ranked)
    index.close()
    return strictly_ranked(run)


def bm25s_en(docs: list[dict], topics: list[dict]) -> Run:
    """bm25s as its README shows it: English stop words, Snowball stemming (PyStemmer), Lucene's BM25."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    ids = [str(d["id"]) for d in docs]
    texts = [f"{d.get('title') or ''} {d.get('text') or ''}" for d in docs]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    run: Run = {}
    for topic in topics:
        tokens = bm25s.tokenize(
            [topic["query"]], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False
        )[0]
        if not tokens:
            run[str(topic["qid"])] = {}
            continue
        found, scores = retriever.retrieve([tokens], k=min(DEPTH, len(ids)), show_progress=False, n_threads=1)
        # bm25s fills the top k with score-0 documents when fewer match: those are not results.
        run[str(topic["qid"])] = {ids[d]: float(s) for d, s in zip(found[0], scores[0], strict=True) if s > 0}
    return strictly_ranked(run)


def available() -> dict[str, System]:
    """Every reference system whose library is installed (bm25s is optional)."""
    systems: dict[str, System] = {
        "whoosh-defaults": whoosh_defaults,
        "tantivy-en_stem": tantivy_en_stem,
        "sqlite-fts5-porter": sqlite_fts5,
    }
    try:
        import bm25s  # noqa: F401
    except ImportError:
        return systems
    systems["bm25s-en"] = bm25s_en
    return systems


def _ref_docs(docs: list[dict]) -> list[RefDoc]:
    return [RefDoc(str(d["id"]), d.get("title") or "", d.get("text") or "") for d in docs]


def _word_run(topics: list[dict], ranked: Callable[[list[str]], dict[str, float]]) -> Run:
    """Each topic's plain words through a reference system's ``ranked``; a topic with no words ranks nothing."""
    return {str(t["qid"]): ranked(terms) if (terms := words(t["query"])) else {} for t in topics}


def strictly_ranked(run: Run) -> Run:
    """Scores that keep each system's own order: evaluation tools break score ties by doc id otherwise."""
    ranked: Run = {}
    for qid, scores in run.items():
        ordered = list(scores)  # insertion order is the system's rank order
        ranked[qid] = {doc_id: float(len(ordered) - rank) for rank, doc_id in enumerate(ordered)}
    return ranked
