"""The systems of the multilingual known-item benchmark (``bench/multilingual.py``), each reading the corpus itself.

Each runner builds its index from the corpus folder into ``work``, then answers every query; a ``SystemRun`` holds
its build time (wall and CPU seconds, the CPU summed over the build's processes) and, per query, the rank of the
query's article in its top 10.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TOP = 10
FTS5_TOKENIZE = "unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class Query:
    """A known-item query: the article it should find, its language and the words picked from its text."""

    lang: str
    id: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        """The query as every system receives it."""
        return " ".join(self.words)


@dataclass
class SystemRun:
    """One system's build time and, per query, the article's rank in its top 10 (None when absent)."""

    build_seconds: float
    cpu_seconds: float
    documents: int
    ranks: list[int | None]
    detected: dict[str, str | None] = field(default_factory=dict)


def run_ours(corpus: Path, work: Path, queries: list[Query]) -> SystemRun:
    """Our product path: a full reindex of the folder, then each query through ``Engine``."""
    from bench.ours import CpuMeter
    from indexer.index.build import reindex
    from indexer.search import Engine

    started, meter = time.perf_counter(), CpuMeter()
    report = reindex(corpus, work / "ours", full=True)
    seconds, cpu = time.perf_counter() - started, meter.seconds()
    engine = Engine(work / "ours")
    try:
        ranks = []
        for q in queries:
            hits = engine.search(q.text, per_page=TOP).hits[:TOP]
            found = [h.id == q.id or q.id in h.similar.ids for h in hits]
            ranks.append(found.index(True) + 1 if True in found else None)
        detected = {}
        for path in sorted(corpus.glob("*.jsonl")):
            for line in path.read_text("utf-8").splitlines():
                doc_id = str(json.loads(line)["id"])
                document = engine.document(doc_id)
                detected[doc_id] = None if document is None else document.language
    finally:
        engine.close()
    return SystemRun(seconds, cpu, report.documents, ranks, detected)


def run_whoosh(corpus: Path, work: Path, queries: list[Query]) -> SystemRun:
    """Naive Whoosh as the speed benchmark builds it; the default parser over title and body (words ANDed)."""
    from whoosh import index as whoosh_index
    from whoosh.qparser import MultifieldParser

    from bench.systems import naive_build

    started, cpu = time.perf_counter(), time.process_time()
    documents = naive_build(corpus, work / "whoosh")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    ix = whoosh_index.open_dir(str(work / "whoosh"))
    parser = MultifieldParser(["title", "body"], ix.schema)
    with ix.searcher() as searcher:
        ranks = [_rank([h["id"] for h in searcher.search(parser.parse(q.text), limit=TOP)], q.id) for q in queries]
    ix.close()
    return SystemRun(seconds, cpu, documents, ranks)


def run_fts5(corpus: Path, work: Path, queries: list[Query]) -> SystemRun:
    """SQLite FTS5 over unicode61 (diacritics removed), each word quoted, the words ANDed, bm25 order."""
    from bench.reference import Fts5
    from bench.systems import read_corpus

    work.mkdir(parents=True, exist_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    docs = list(read_corpus(corpus))
    index = Fts5.build(docs, work / "fts5.db", tokenize=FTS5_TOKENIZE)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    try:
        ranks = [_rank([h.id for h in index.search(_fts5_match(q.words), TOP)], q.id) for q in queries]
    finally:
        index.close()
    return SystemRun(seconds, cpu, len(docs), ranks)


SYSTEMS: dict[str, Callable[[Path, Path, list[Query]], SystemRun]] = {
    "ours": run_ours,
    "whoosh": run_whoosh,
    "fts5": run_fts5,
}


def _fts5_match(words: tuple[str, ...]) -> str:
    """An FTS5 query of the words, each quoted (a quote inside doubled), ANDed."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _rank(ids: list[str], target: str) -> int | None:
    return ids.index(target) + 1 if target in ids else None
