"""The comparison systems: naive Whoosh, tantivy and SQLite FTS5, each reading the corpus files itself.

Each baseline reads the same files as ours, the way a user of that system would (``read_corpus``: JSON lines
as they are, a text file's first line as its title, an HTML page's ``<title>`` and body text via BeautifulSoup),
and its build time includes that reading. None is charged with our cleaning.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser

from bench.queries import BenchQuery
from bench.reference import Fts5, RefDoc, Tantivy

TOP = 10
# bm25() column weights: id, title, body, source (published takes the default).
FTS5_WEIGHTS = (0.0, 2.0, 1.0, 1.0)
Search = Callable[[BenchQuery], int]


def dir_mb(path: Path) -> float:
    """Size on disk of a file or directory tree, in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def read_corpus(corpus: Path) -> Iterator[RefDoc]:
    """Every article under ``corpus`` as a user of a search library would read it, without our cleaning."""
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            with path.open(encoding="utf-8") as lines:
                for n, line in enumerate(lines):
                    if line.strip():
                        r = json.loads(line)
                        yield RefDoc(
                            str(r.get("id") or f"{path.stem}:{n}"),
                            r.get("title") or "",
                            r.get("text") or "",
                            r.get("source") or "",
                            r.get("date") or "",
                        )
        elif suffix == ".txt":
            title, _, body = path.read_text("utf-8", errors="replace").strip().partition("\n")
            yield RefDoc(path.stem, title, body)
        elif suffix in (".html", ".htm"):
            soup = BeautifulSoup(path.read_bytes(), "lxml")
            title = soup.title.get_text(strip=True) if soup.title else ""
            body = soup.body.get_text(" ", strip=True) if soup.body else ""
            yield RefDoc(path.stem, title, body)


# --- naive Whoosh: StemmingAnalyzer, everything stored, one writer with default settings ------------------


def naive_build(corpus: Path, out: Path) -> int:
    """Index the corpus the way the Whoosh docs show it."""
    analyzer = StemmingAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        source=TEXT(analyzer=analyzer, stored=True),
        published=STORED(),
    )
    out.mkdir(parents=True)
    writer = whoosh_index.create_in(str(out), schema).writer()
    docs = 0
    for doc in read_corpus(corpus):
        writer.add_document(
            id=doc.id, title=doc.title, body=doc.body, source=doc.source, published=doc.published or None
        )
        docs += 1
    writer.commit()
    return docs


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


def tantivy_build(corpus: Path, out: Path) -> int:
    """Index with tantivy: English stemming, two indexing threads."""
    out.mkdir(parents=True)
    docs = list(read_corpus(corpus))
    Tantivy.build(docs, out, threads=2, heap_mb=256)
    return len(docs)


def tantivy_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 with a highlighted body snippet."""
    index = Tantivy.open(out)
    return lambda q: index.search(q.tantivy(), TOP, snippets=True)[1], lambda: None


def fts5_build(corpus: Path, out: Path) -> int:
    """Index with FTS5: porter stemming over unicode61 with diacritics removed, one transaction, optimized."""
    out.mkdir(parents=True)
    docs = list(read_corpus(corpus))
    Fts5.build(docs, out / "fts.db", optimize=True).close()
    return len(docs)


def fts5_searcher(out: Path) -> tuple[Search, Callable[[], None]]:
    """Top 10 by bm25 (title weighted 2) with a highlighted body snippet."""
    index = Fts5.open(out / "fts.db")
    return lambda q: len(index.search(q.fts5(), TOP, weights=FTS5_WEIGHTS, snippets=True)), index.close


BASELINES: dict[str, tuple[Callable[[Path, Path], int], Callable[[Path], tuple[Search, Any]]]] = {
    "naive_whoosh": (naive_build, naive_searcher),
    "tantivy": (tantivy_build, tantivy_searcher),
    "fts5": (fts5_build, fts5_searcher),
}


def timed_build(name: str, corpus: Path, out: Path) -> tuple[int, float, float]:
    """Build one baseline from the corpus files into ``out`` (replaced): documents, wall and CPU seconds."""
    shutil.rmtree(out, ignore_errors=True)
    started, cpu = time.perf_counter(), time.process_time()
    docs = BASELINES[name][0](corpus, out)
    return docs, time.perf_counter() - started, time.process_time() - cpu
