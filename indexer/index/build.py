"""Build and update the index: incremental by content hash, or a full rebuild swapped in atomically."""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.writing import IndexWriter

from indexer.article import Article
from indexer.clean.dates import to_utc_naive
from indexer.clean.places import detect_places
from indexer.clean.sources import Loaded, Skip, file_hash, load_bytes, relative_id, walk_corpus
from indexer.index import dedup, store
from indexer.index.codec import uses_current_codec
from indexer.index.schema import column_text, get_schema, schema_matches
from indexer.index.writers import BuildError, ParallelWriter, segment_writer

log = logging.getLogger(__name__)

WRITER_MB = 256
# Files are read and cleaned in a pool of worker processes, and a full build indexes in sub-writer processes
# (one segment each); below this many files the processes' start-up costs more than they save.
PARALLEL_MIN_FILES = 200
CLEAN_CHUNK = 8
# Files handed to the cleaning workers but not yet indexed: the bound keeps cleaned articles from piling up in
# memory when cleaning runs ahead of the writers.
IN_FLIGHT = 512
# Imported once in the fork server, not again in every worker it starts.
PRELOAD = ["indexer.index.build", "indexer.clean.sources", "indexer.index.dedup", "whoosh.writing"]
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
    writer_rss_mb: float = 0.0  # peak memory of the largest sub-writer process (full builds on several cores)

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
        "words": f"{article.title}\n{article.body}",
        "places": ",".join(detect_places(f"{article.title}\n{article.dateline or ''}\n{article.body}")),
        "minhash": dedup.signature(article.body),
    }


def indexed_docs(ix: Index) -> dict[str, _Doc]:
    """``{id: (path, hash)}`` for every live document, read from columns (no stored bodies)."""
    docs: dict[str, _Doc] = {}
    with ix.reader() as reader:
        if not all(reader.has_column(name) for name in ("id", "path", "hash")):
            return docs  # built by another version: nothing to compare against
        ids = reader.column_reader("id")
        paths = reader.column_reader("path")
        hashes = reader.column_reader("hash")
        for docnum in reader.all_doc_ids():
            docs[column_text(ids[docnum])] = _Doc(column_text(paths[docnum]), column_text(hashes[docnum]))
    return docs



_Task = tuple[Path, str, str | None]
_Read = tuple[str, str | None, Loaded | None, list[dict[str, Any]], str | None]


def _read(task: _Task) -> _Read:
    """Read and clean one file (in a worker): ``(relpath, digest, loaded, fields, error)``, ``fields`` being
    each article's Whoosh fields; ``loaded`` is None when the file's hash equals the known one (it is not
    even parsed) or it could not be read."""
    path, relpath, known = task
    try:
        data = _read_regular(path)
    except OSError as exc:
        return relpath, None, None, [], f"unreadable: {exc.strerror or exc}"
    digest = file_hash(data)
    if known == digest:
        return relpath, digest, None, [], None
    loaded = load_bytes(relpath, data)
    # Field values (content hash, MinHash signature) are computed here too, off the writer's process.
    return relpath, digest, loaded, [to_fields(a) for a in loaded.articles], None


def _read_regular(path: Path) -> bytes:
    """A regular file's bytes; anything else (a FIFO, a device, a socket) raises OSError."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise block the whole run for ever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read()


class _Run:
    """One pass over the corpus into a writer: a fresh index (``fresh``) or the current one, in place."""

    def __init__(self, corpus: Path, writer: IndexWriter | ParallelWriter, old: dict[str, _Doc],
                 manifest: dict[str, str], fresh: bool) -> None:
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
        self.written = 0

    def task(self, path: Path) -> _Task:
        """What a worker needs to read one file: in place, the known hash lets it skip unchanged files."""
        relpath = relative_id(self.corpus, path)
        return path, relpath, None if self.fresh else self.manifest.get(relpath)

    def file(self, path: Path) -> None:
        """Index one file; in place, a file whose hash is unchanged is not even parsed."""
        self.apply(_read(self.task(path)))

    def apply(self, read: _Read) -> None:
        """Index one file read by ``_read``, in corpus order."""
        relpath, digest, loaded, fields, error = read
        if error is not None or digest is None:
            self.summary.skipped.append(Skip(relpath, error or "unreadable"))
            self._keep(relpath)
            return
        if loaded is None:
            self.files[relpath] = digest
            self._keep(relpath)
            return
        self.summary.skipped.extend(loaded.skips)
        if not loaded.articles and relpath in self.old_by_path:
            # A file that broke keeps its last good version (in place): a bad save loses nothing.
            self._keep(relpath)
            return
        self.files[relpath] = digest
        self._write(relpath, loaded, fields)

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

    def _write(self, relpath: str, loaded: Loaded, all_fields: list[dict[str, Any]]) -> None:
        for article, fields in zip(loaded.articles, all_fields, strict=True):
            owner = self.owner.get(article.id)
            if owner is not None:
                self.summary.skipped.append(Skip(relpath, f"duplicate id {article.id!r} (already in {owner})"))
                continue
            self.owner[article.id] = relpath
            before = self.old.get(article.id)
            if before is None:
                self.summary.added += 1
            elif before.hash == fields["hash"] and before.path == relpath:
                self.summary.unchanged += 1
                if not self.fresh:
                    continue
            else:
                self.summary.updated += 1
            self.written += 1
            if self.fresh:
                self.writer.add_document(**fields)
            else:
                assert isinstance(self.writer, IndexWriter)
                self.writer.update_document(**fields)

    def finish(self) -> Summary:
        """Count, and in place delete, the documents whose files or records are gone."""
        for doc_id in self.old:
            if doc_id not in self.owner:
                self.summary.deleted += 1
                if not self.fresh:
                    assert isinstance(self.writer, IndexWriter)
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
        if exists and not full and _schema_matches(root):
            summary = _incremental(corpus, root, paths, progress)
        else:
            summary = _full(corpus, root, paths, exists, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _schema_matches(root: Path) -> bool:
    """False when the index was built by another version (other fields, another places detector, another
    postings format)."""
    ix = store.open_index(root)
    try:
        return schema_matches(ix.schema) and uses_current_codec(ix)
    finally:
        ix.close()


def _full(corpus: Path, root: Path, paths: list[Path], exists: bool, progress: Progress | None) -> Summary:
    old = indexed_docs(store.open_index(root)) if exists else {}
    build_dir = store.new_build_dir(root)
    try:
        ix = whoosh_index.create_in(str(build_dir), get_schema())
        procs = _workers(len(paths))
        # Both cores index: each sub-writer process writes its own segment, and they are not merged (a merge
        # is one more serial pass over every posting).
        writer = ParallelWriter(ix, procs, WRITER_MB, _context()) if procs > 1 else segment_writer(ix, WRITER_MB)
        run = _Run(corpus, writer, old, {}, fresh=True)
        _pass(run, paths, progress)
        writer.commit()
        run.summary.documents = ix.doc_count()
        run.summary.writer_rss_mb = getattr(writer, "peak_rss_mb", 0.0)
        ix.close()
        if run.summary.documents != run.written:
            raise BuildError(f"the new index holds {run.summary.documents} documents, {run.written} were added")
        store.write_manifest(build_dir, run.files)
        store.publish(root, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    store.prune(root)
    return run.summary


def _incremental(corpus: Path, root: Path, paths: list[Path], progress: Progress | None) -> Summary:
    ix = store.open_writable(root)
    gen = Path(ix.storage.folder)
    old = indexed_docs(ix)
    writer = segment_writer(ix, WRITER_MB)
    run = _Run(corpus, writer, old, store.read_manifest(gen), fresh=False)
    _pass(run, paths, progress)
    if run.summary.changed:
        writer.commit()
    else:
        writer.cancel()
    store.write_manifest(gen, run.files)
    run.summary.documents = ix.doc_count()
    ix.close()
    return run.summary


def _pass(run: _Run, paths: list[Path], progress: Progress | None = None) -> None:
    """Feed every file to the run; on any error the writer is cancelled and nothing is committed."""
    # The progress bar advances as files are indexed, not as they are handed to the workers.
    ticks = iter(progress(paths, len(paths))) if progress is not None else iter(())
    try:
        workers = _workers(len(paths))
        if workers > 1:
            # Cleaning (HTML parsing above all) runs in other processes, so both cores work; imap keeps
            # corpus order, so the first file still wins a duplicate id.
            window = _Window(IN_FLIGHT)
            with _context().Pool(workers) as pool:
                try:
                    for read in pool.imap(_read, window.feed(run.task(p) for p in paths), chunksize=CLEAN_CHUNK):
                        window.done()
                        run.apply(read)
                        next(ticks, None)
                finally:
                    window.close()  # before the pool's exit, which waits for the thread that feeds it
        else:
            for path in paths:
                run.file(path)
                next(ticks, None)
        for _ in ticks:  # let the bar finish and close
            pass
        run.finish()
    except BaseException:
        run.writer.cancel()
        raise


class _Window:
    """At most ``size`` tasks handed out and not yet done; ``feed`` runs in the pool's task-feeding thread."""

    def __init__(self, size: int) -> None:
        self.slots = threading.Semaphore(size)
        self.closed = threading.Event()

    def feed(self, tasks: Iterable[_Task]) -> Iterator[_Task]:
        """The tasks, each released only when a slot is free (or none more once closed)."""
        for task in tasks:
            while not self.slots.acquire(timeout=0.5):
                if self.closed.is_set():
                    return
            yield task

    def done(self) -> None:
        """One task's result was used: free its slot."""
        self.slots.release()

    def close(self) -> None:
        """Stop feeding (the run is over or failed)."""
        self.closed.set()


def _workers(files: int) -> int:
    """How many cleaning (and indexing) processes a pass over ``files`` files uses; 1 means none."""
    return min(os.cpu_count() or 1, 4) if files >= PARALLEL_MIN_FILES else 1


def _context() -> Any:
    """The fork server context every worker process comes from (no fork of a process that has threads)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
