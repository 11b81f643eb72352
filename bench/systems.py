"""The comparison systems: naive Whoosh, tantivy and SQLite FTS5, each indexing the same cleaned articles."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser

from bench.queries import BenchQuery
from indexer.article import Article

TOP = 10
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


# --- tantivy ----------------------------------------------------------------------------------------------

def tantivy_build(articles: list[Article], out: Path) -> None:
    """Index with tantivy: English stemming, two indexing threads."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("source", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("published", stored=True, index_option="basic", tokenizer_name="raw")
    out.mkdir(parents=True)
    index = tantivy.Index(builder.build(), path=str(out))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for a in articles:
        writer.add_document(tantivy.Document(id=a.id, title=a.title, body=a.body, source=a.source or "",
                                             published=a.date.isoformat() if a.date else ""))
    writer.commit()
    writer.wait_merging_threads()


def tantivy_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 with a highlighted body snippet."""
    import tantivy

    index = tantivy.Index.open(str(out))
    index.reload()
    searcher = index.searcher()
    schema = index.schema

    def run(q: BenchQuery) -> int:
        query = index.parse_query(q.tantivy(), ["title", "body"])
        result = searcher.search(query, TOP)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        for _score, address in result.hits:
            doc = searcher.doc(address)
            snippets.snippet_from_doc(doc).to_html()
        return result.count or 0

    return run, lambda: None


# --- SQLite FTS5 ------------------------------------------------------------------------------------------

def fts5_build(articles: list[Article], out: Path) -> None:
    """Index with FTS5: porter stemming over unicode61 with diacritics removed, one transaction."""
    out.mkdir(parents=True)
    db = sqlite3.connect(out / "fts.db")
    db.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, source, published UNINDEXED,"
               " tokenize='porter unicode61 remove_diacritics 2')")
    with db:
        db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?)",
                       ((a.id, a.title, a.body, a.source or "", a.date.isoformat() if a.date else None)
                        for a in articles))
    db.execute("INSERT INTO articles(articles) VALUES ('optimize')")
    db.commit()
    db.close()


def fts5_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 by bm25 with a highlighted body snippet."""
    db = sqlite3.connect(out / "fts.db", check_same_thread=False)
    sql = ("SELECT id, title, source, published, snippet(articles, 2, '<mark>', '</mark>', '…', 40) "
           "FROM articles WHERE articles MATCH ? ORDER BY bm25(articles, 0, 2.0, 1.0, 1.0) LIMIT ?")

    def run(q: BenchQuery) -> int:
        return len(db.execute(sql, (q.fts5(), TOP)).fetchall())

    return run, db.close


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
