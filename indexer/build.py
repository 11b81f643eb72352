"""Build and update the index: incremental by content hash, or a full rebuild swapped in atomically."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.writing import IndexWriter

from indexer import store
from indexer.article import Article
from indexer.dates import to_utc_naive
from indexer.schema import get_schema
from indexer.sources import Loaded, Skip, file_hash, load_bytes, relative_id, walk_corpus

log = logging.getLogger(__name__)

WRITER_MB = 256
Progress = Callable[[Iterable[Path], int], Iterable[Path]]


@dataclass
class Summary:
    """What a reindex did."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False
    documents: int = 0

    @property
    def changed(self) -> int:
        """Documents added, updated or deleted."""
        return self.added + self.updated + self.deleted


@dataclass
class _Doc:
    path: str
    hash: str


def to_fields(article: Article) -> dict[str, Any]:
    """The Whoosh fields of an article."""
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "source_name": article.source,
        "credit": article.credit,
        "dateline": article.dateline,
        "author": article.author,
        "date": to_utc_naive(article.date) if article.date else None,
        "published": article.date.isoformat() if article.date else None,
        "url": article.url,
        "language": article.language,
        "path": article.path,
        "hash": article.content_hash(),
    }


def indexed_docs(ix: Index) -> dict[str, _Doc]:
    """``{id: (path, hash)}`` for every live document, read from columns (no stored bodies)."""
    docs: dict[str, _Doc] = {}
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        paths = reader.column_reader("path")
        hashes = reader.column_reader("hash")
        for docnum in reader.all_doc_ids():
            docs[_text(ids[docnum])] = _Doc(_text(paths[docnum]), _text(hashes[docnum]))
    return docs


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class _Run:
    """One pass over the corpus into a writer: a fresh index (``fresh``) or the current one, in place."""

    def __init__(self, corpus: Path, writer: IndexWriter, old: dict[str, _Doc], manifest: dict[str, str],
                 fresh: bool) -> None:
        self.corpus = corpus
        self.writer = writer
        self.old = old
        self.old_by_path: dict[str, list[str]] = {}
        for doc_id, doc in old.items():
            self.old_by_path.setdefault(doc.path, []).append(doc_id)
        self.manifest = manifest
        self.fresh = fresh
        self.files: dict[str, str] = {}
        self.owner: dict[str, str] = {}
        self.summary = Summary(full=fresh)

    def file(self, path: Path) -> None:
        """Index one file; in place, a file whose hash is unchanged is not even parsed."""
        relpath = relative_id(self.corpus, path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.summary.skipped.append(Skip(relpath, f"unreadable: {exc.strerror or exc}"))
            self._keep(relpath)
            return
        digest = file_hash(data)
        if not self.fresh and self.manifest.get(relpath) == digest:
            self.files[relpath] = digest
            self._keep(relpath)
            return
        loaded = load_bytes(relpath, data)
        self.summary.skipped.extend(loaded.skips)
        if not loaded.articles and relpath in self.old_by_path:
            # A file that broke keeps its last good version (in place): a bad save loses nothing.
            self._keep(relpath)
            return
        self.files[relpath] = digest
        self._write(relpath, loaded)

    def _keep(self, relpath: str) -> None:
        """Leave a file's indexed documents as they are (only possible in place)."""
        if self.fresh:
            return
        for doc_id in self.old_by_path.get(relpath, ()):
            owner = self.owner.setdefault(doc_id, relpath)
            if owner == relpath:
                self.summary.unchanged += 1
            else:  # an earlier file now carries this id and has replaced the document
                self.summary.skipped.append(Skip(relpath, f"duplicate id {doc_id!r} (already in {owner})"))

    def _write(self, relpath: str, loaded: Loaded) -> None:
        for article in loaded.articles:
            owner = self.owner.get(article.id)
            if owner is not None:
                self.summary.skipped.append(Skip(relpath, f"duplicate id {article.id!r} (already in {owner})"))
                continue
            self.owner[article.id] = relpath
            fields = to_fields(article)
            before = self.old.get(article.id)
            if before is None:
                self.summary.added += 1
            elif before.hash == fields["hash"] and before.path == relpath:
                self.summary.unchanged += 1
                if not self.fresh:
                    continue
            else:
                self.summary.updated += 1
            if self.fresh:
                self.writer.add_document(**fields)
            else:
                self.writer.update_document(**fields)

    def finish(self) -> Summary:
        """Count, and in place delete, the documents whose files or records are gone."""
        for doc_id in self.old:
            if doc_id not in self.owner:
                self.summary.deleted += 1
                if not self.fresh:
                    self.writer.delete_by_term("id", doc_id)
        return self.summary


def reindex(corpus: Path, root: Path, full: bool = False, progress: Progress | None = None) -> Summary:
    """Bring the index at ``root`` up to date with ``corpus``; ``full`` rebuilds from scratch."""
    corpus, root = Path(corpus), Path(root)
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    started = time.perf_counter()
    with store.reindex_lock(root):
        store.prune(root)
        current = store.current_dir(root)
        exists = current is not None and whoosh_index.exists_in(str(current))
        paths = list(walk_corpus(corpus))
        if progress is not None:
            paths = progress(paths, len(paths))
        summary = _incremental(corpus, root, paths) if exists and not full else _full(corpus, root, paths, exists)
    summary.seconds = time.perf_counter() - started
    return summary


def _full(corpus: Path, root: Path, paths: Iterable[Path], exists: bool) -> Summary:
    old = indexed_docs(store.open_index(root)) if exists else {}
    build_dir = store.new_build_dir(root)
    try:
        ix = whoosh_index.create_in(str(build_dir), get_schema())
        writer = ix.writer(limitmb=WRITER_MB)
        run = _Run(corpus, writer, old, {}, fresh=True)
        _pass(run, paths)
        writer.commit(optimize=True)
        store.write_manifest(build_dir, run.files)
        run.summary.documents = ix.doc_count()
        ix.close()
        store.publish(root, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    store.prune(root)
    return run.summary


def _incremental(corpus: Path, root: Path, paths: Iterable[Path]) -> Summary:
    ix = store.open_writable(root)
    gen = Path(ix.storage.folder)
    old = indexed_docs(ix)
    writer = ix.writer(limitmb=WRITER_MB)
    run = _Run(corpus, writer, old, store.read_manifest(gen), fresh=False)
    _pass(run, paths)
    if run.summary.changed:
        writer.commit()
    else:
        writer.cancel()
    store.write_manifest(gen, run.files)
    run.summary.documents = ix.doc_count()
    ix.close()
    return run.summary


def _pass(run: _Run, paths: Iterable[Path]) -> None:
    """Feed every file to the run; on any error the writer is cancelled and nothing is committed."""
    try:
        for path in paths:
            run.file(path)
        run.finish()
    except BaseException:
        run.writer.cancel()
        raise
