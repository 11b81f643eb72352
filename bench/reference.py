"""The reference systems both benchmarks compare against: tantivy and SQLite FTS5, built from the same records.

The speed benchmark (``bench/systems.py``) and the relevance benchmark (``bench/relevance.py``) differ only in
settings: where the index lives, indexing threads, FTS5's tokenizer options and column weights.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

# Unicode61 folds accents by default only on characters without a combining form; "2" folds them all.
FTS5_TOKENIZE = "porter unicode61 remove_diacritics 2"


class RefDoc(NamedTuple):
    """One record as the reference systems index it."""

    id: str
    title: str
    body: str
    source: str = ""
    published: str = ""


class RefHit(NamedTuple):
    """One ranked result: the record's id, the system's score (higher is better) and a highlighted snippet."""

    id: str
    score: float
    snippet: str | None = None


class Tantivy:
    """A tantivy index with its English stemming tokenizer (``en_stem``) and BM25."""

    def __init__(self, index: Any) -> None:
        index.reload()
        self.index = index
        self.searcher = index.searcher()

    @classmethod
    def build(cls, docs: Iterable[RefDoc], path: Path | None = None, threads: int = 1, heap_mb: int = 50) -> Tantivy:
        """Index the records, on disk at ``path`` or in memory."""
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in ("title", "body", "source"):
            builder.add_text_field(name, stored=True, tokenizer_name="en_stem")
        builder.add_text_field("published", stored=True, index_option="basic", tokenizer_name="raw")
        index = tantivy.Index(builder.build(), path=None if path is None else str(path))
        writer = index.writer(heap_size=heap_mb * 1_000_000, num_threads=threads)
        for doc in docs:
            writer.add_document(tantivy.Document(**doc._asdict()))
        writer.commit()
        writer.wait_merging_threads()
        return cls(index)

    @classmethod
    def open(cls, path: Path) -> Tantivy:
        """Open an index built on disk."""
        import tantivy

        return cls(tantivy.Index.open(str(path)))

    def search(self, text: str, limit: int, snippets: bool = False) -> tuple[list[RefHit], int]:
        """The top ``limit`` hits for a query over title and body, and the total number of matches."""
        import tantivy

        query = self.index.parse_query(text, ["title", "body"])
        result = self.searcher.search(query, limit)
        make = tantivy.SnippetGenerator.create(self.searcher, query, self.index.schema, "body") if snippets else None
        hits = []
        for score, address in result.hits:
            doc = self.searcher.doc(address)
            snippet = make.snippet_from_doc(doc).to_html() if make is not None else None
            hits.append(RefHit(doc["id"][0], float(score), snippet))
        return hits, result.count or 0


class Fts5:
    """An SQLite FTS5 table ranked by its ``bm25()``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def build(
        cls, docs: Iterable[RefDoc], path: Path | None = None, tokenize: str = FTS5_TOKENIZE, optimize: bool = False
    ) -> Fts5:
        """Index the records in one transaction, in the file ``path`` or in memory."""
        db = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False)
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, source, published UNINDEXED,"
            f" tokenize='{tokenize}')"
        )
        with db:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", docs)
        if optimize:
            db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
            db.commit()
        return cls(db)

    @classmethod
    def open(cls, path: Path) -> Fts5:
        """Open a table built in a file."""
        return cls(sqlite3.connect(path, check_same_thread=False))

    def search(self, match: str, limit: int, weights: Sequence[float] = (), snippets: bool = False) -> list[RefHit]:
        """The top ``limit`` hits for an FTS5 ``MATCH`` expression; ``weights`` are bm25's column weights."""
        bm25 = "bm25(docs" + "".join(f", {float(w)}" for w in weights) + ")"
        snippet = "snippet(docs, 2, '<mark>', '</mark>', '…', 40)" if snippets else "NULL"
        rows = self.db.execute(
            f"SELECT id, {bm25}, {snippet}, title, source, published FROM docs WHERE docs MATCH ?"
            f" ORDER BY {bm25} LIMIT ?",
            (match, limit),
        )
        return [RefHit(row[0], -float(row[1]), row[2]) for row in rows]  # bm25(): lower is better

    def close(self) -> None:
        """Close the database."""
        self.db.close()
