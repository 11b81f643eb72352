"""The comparison systems: naive Whoosh, tantivy and SQLite FTS5, each indexing the same cleaned articles."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser

from bench.queries import BenchQuery
from bench.reference import Fts5, RefDoc, Tantivy
from indexer.article import Article

TOP = 10
# bm25() column weights: id, title, body, source (published takes the default).
FTS5_WEIGHTS = (0.0, 2.0, 1.0, 1.0)
Search = Callable[[BenchQuery], int]


def dir_mb(path: Path) -> float:
    """Size on disk of a file or directory tree, in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


# --- naive Whoosh: StemmingAnalyzer, everything stored, one writer with default settings ------------------

def naive_build(articles: list[Article], out: Path) -> None:
    """Index the articles the way the Whoosh docs show it."""
    analyzer = StemmingAnalyzer()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                    body=TEXT(analyzer=analyzer, stored=True), source=TEXT(analyzer=analyzer, stored=True),
                    published=STORED())
    out.mkdir(parents=True)
    writer = whoosh_index.create_in(str(out), schema).writer()
    for a in articles:
        writer.add_document(id=a.id, title=a.title, body=a.body, source=a.source or "",
                            published=a.date.isoformat() if a.date else None)
    writer.commit()


def naive_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 with highlights from the stored body (re-analysed per hit, as Whoosh does by default)."""
    ix = whoosh_index.open_dir(str(out))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)

    def run(q: BenchQuery) -> int:
        results = searcher.search(parser.parse(q.whoosh()), limit=TOP)
        for hit in results:
            hit.fields()
            hit.highlights("body")
        return len(results)

    return run, searcher.close


# --- tantivy and SQLite FTS5 (bench/reference.py, shared with the relevance benchmark) -------------------

def _ref_docs(articles: list[Article]) -> Iterator[RefDoc]:
    for a in articles:
        yield RefDoc(a.id, a.title, a.body, a.source or "", a.date.isoformat() if a.date else "")


def tantivy_build(articles: list[Article], out: Path) -> None:
    """Index with tantivy: English stemming, two indexing threads."""
    out.mkdir(parents=True)
    Tantivy.build(_ref_docs(articles), out, threads=2, heap_mb=256)


def tantivy_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 with a highlighted body snippet."""
    index = Tantivy.open(out)
    return lambda q: index.search(q.tantivy(), TOP, snippets=True)[1], lambda: None


def fts5_build(articles: list[Article], out: Path) -> None:
    """Index with FTS5: porter stemming over unicode61 with diacritics removed, one transaction, optimized."""
    out.mkdir(parents=True)
    Fts5.build(_ref_docs(articles), out / "fts.db", optimize=True).close()


def fts5_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 by bm25 (title weighted 2) with a highlighted body snippet."""
    index = Fts5.open(out / "fts.db")
    return lambda q: len(index.search(q.fts5(), TOP, weights=FTS5_WEIGHTS, snippets=True)), index.close


BASELINES: dict[str, tuple[Callable[[list[Article], Path], None], Callable[[Path], tuple[Search, Any]]]] = {
    "naive_whoosh": (naive_build, naive_searcher),
    "tantivy": (tantivy_build, tantivy_searcher),
    "fts5": (fts5_build, fts5_searcher),
}


def timed_build(name: str, articles: list[Article], out: Path) -> float:
    """Build one baseline into ``out`` (replaced) and return the seconds it took."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    BASELINES[name][0](articles, out)
    return time.perf_counter() - started
