"""Build and update the index: incremental by content hash, or a full rebuild swapped in atomically."""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from indexer.clean.jsonl import DEFAULT_OPTIONS, ReadOptions
from indexer.clean.sources import Skip, walk_corpus
from indexer.index import store
from indexer.index.accounting import NO_PROGRESS, Progress, Report, Run, indexed_docs  # noqa: F401 - Report, indexed_docs: public here
from indexer.index.codec import uses_current_codec
from indexer.index.parts import FileTask, index_task, plan, read_file, to_fields  # noqa: F401 - to_fields: public
from indexer.index.schema import get_schema, schema_matches
from indexer.index.writers import BuildError, LocalWriter, ParallelWriter, segment_writer

log = logging.getLogger(__name__)

WRITER_MB = 256
# An incremental run cleans files in a pool of worker processes from this many files; a full build indexes in
# sub-writer processes (one segment each) from this many bytes of corpus. Below, start-up costs more than it saves.
PARALLEL_MIN_FILES = 200
PARALLEL_MIN_BYTES = 2 << 20
CLEAN_CHUNK = 8
# Files handed to the cleaning workers but not yet indexed: the bound keeps cleaned articles from piling up in
# memory when cleaning runs ahead of the writers.
IN_FLIGHT = 512
# Imported once in the fork server, not again in every worker it starts.
PRELOAD = [
    "indexer.index.build",
    "indexer.index.parts",
    "indexer.index.batch",
    "indexer.index.segments",
    "indexer.clean.sources",
    "indexer.index.dedup",
    "whoosh.writing",
]


def reindex(
    corpus: Path,
    root: Path,
    full: bool = False,
    progress: Progress | None = None,
    options: ReadOptions = DEFAULT_OPTIONS,
    cluster: str | None = None,
) -> Report:
    """Bring the index at ``root`` up to date with ``corpus``; ``full`` rebuilds from scratch, and so does a change
    of ``options`` (how JSONL records are read, which fields are facets). A full build runs on the Dask cluster
    whose scheduler is at ``cluster``, when given (an incremental run stays in this process)."""
    corpus, root = Path(corpus), Path(root)
    if cluster:
        # The workers read the corpus and write the index at the same paths, from another working directory.
        corpus, root = corpus.absolute(), root.absolute()
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    started = time.perf_counter()
    with store.reindex_lock(root):
        store.prune(root)
        current = store.current_dir(root)
        exists = current is not None and whoosh_index.exists_in(str(current))
        paths = list(walk_corpus(corpus))
        if exists and not full and _schema_matches(root, options):
            summary = _incremental(corpus, root, paths, progress, options)
        else:
            summary = _full(corpus, root, paths, exists, progress, options, cluster)
    summary.seconds = time.perf_counter() - started
    return summary


def _schema_matches(root: Path, options: ReadOptions) -> bool:
    """False when the index was built by another version (other fields, another places detector, another
    postings format) or with other options."""
    ix = store.open_index(root)
    try:
        return schema_matches(ix.schema, options.facets, options.key()) and uses_current_codec(ix)
    finally:
        ix.close()


def _full(
    corpus: Path,
    root: Path,
    paths: list[Path],
    exists: bool,
    progress: Progress | None,
    options: ReadOptions,
    cluster: str | None = None,
) -> Report:
    old = indexed_docs(store.open_index(root)) if exists else {}
    build_dir = store.new_build_dir(root)
    try:
        ix = whoosh_index.create_in(str(build_dir), get_schema(options.facets, options.key()))
        # Every core indexes: each sub-writer process reads, cleans and writes tasks of articles into its own
        # segment, and the segments are not merged (a merge is one more serial pass over every posting).
        run = Run(corpus, None, old, {}, fresh=True, options=options)
        run.writer = _full_writer(ix, paths, run, cluster)
        run.progress = progress or NO_PROGRESS  # it counts articles as the writers report them indexed
        try:
            tasks = 0
            for task in plan(corpus, paths, options):
                run.writer.submit(task)
                tasks += 1
            run.all_planned(tasks)
            # Results still arrive during the commit: the count is read once every task is accounted for.
            run.writer.commit(expected=lambda: run.written)
        except BaseException:
            run.writer.cancel()
            raise
        run.finish()
        run.summary.documents = ix.doc_count()
        run.summary.writer_rss_mb = run.writer.peak_rss_mb
        ix.close()
        if run.summary.documents != run.written:
            raise BuildError(f"the new index holds {run.summary.documents} documents, {run.written} were added")
        store.write_manifest(build_dir, run.files)
        _record_skips(build_dir, run)
        store.publish(root, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    store.prune(root)
    return run.summary


def _full_writer(ix: Any, paths: list[Path], run: Run, cluster: str | None) -> Any:
    """The writer of a full build: on the Dask cluster, in sub-writer processes, or in this process."""
    if cluster:
        from indexer.index.cluster import ClusterWriter  # loads Dask, which a local build does without

        writer: Any = ClusterWriter(ix, cluster, WRITER_MB, index_task, run.task_done)
        run.summary.processes = writer.workers
        return writer
    procs = run.summary.processes = _full_workers(paths)
    if procs > 1:
        return ParallelWriter(ix, procs, WRITER_MB, index_task, run.task_done, _context())
    return LocalWriter(ix, WRITER_MB, index_task, run.task_done)


def _record_skips(gen: Path, run: Run) -> None:
    """Keep why files of the corpus were skipped, so that later runs report them until they are fixed."""
    store.write_skips(
        gen, {path: [(s.path, s.reason) for s in skips] for path, skips in run.skips.items() if path in run.files}
    )


def _full_workers(paths: list[Path]) -> int:
    """How many sub-writers a full build over ``paths`` uses, by bytes of corpus (articles), not files."""
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue
        if size >= PARALLEL_MIN_BYTES:
            return min(os.cpu_count() or 1, 4)
    return 1


def _incremental(
    corpus: Path, root: Path, paths: list[Path], progress: Progress | None, options: ReadOptions
) -> Report:
    ix = store.open_writable(root)
    gen = Path(ix.storage.folder)
    old = indexed_docs(ix)
    writer = segment_writer(ix, WRITER_MB)
    recorded = {path: [Skip(p, r) for p, r in skips] for path, skips in store.read_skips(gen).items()}
    run = Run(corpus, writer, old, store.read_manifest(gen), fresh=False, options=options, recorded_skips=recorded)
    _pass(run, paths, progress)
    if run.summary.changed:
        (progress or NO_PROGRESS).phase("writing the index")
        writer.commit()
    else:
        writer.cancel()
    store.write_manifest(gen, run.files)
    _record_skips(gen, run)
    run.summary.documents = ix.doc_count()
    ix.close()
    return run.summary


def _pass(run: Run, paths: list[Path], progress: Progress | None = None) -> None:
    """Feed every file to the run; on any error the writer is cancelled and nothing is committed."""
    run.progress = progress or NO_PROGRESS  # it counts articles as they are indexed, in corpus order
    try:
        workers = _workers(len(paths))
        if workers > 1:
            # Cleaning (HTML parsing above all) runs in other processes, so both cores work; imap keeps
            # corpus order, so the first file still wins a duplicate id.
            window = _Window(IN_FLIGHT)
            with _context().Pool(workers) as pool:
                try:
                    for read in pool.imap(read_file, window.feed(run.task(p) for p in paths), chunksize=CLEAN_CHUNK):
                        window.done()
                        run.apply(read)
                finally:
                    window.close()  # before the pool's exit, which waits for the thread that feeds it
        else:
            for path in paths:
                run.file(path)
        run.finish()
    except BaseException:
        run.writer.cancel()
        raise


class _Window:
    """At most ``size`` tasks handed out and not yet done; ``feed`` runs in the pool's task-feeding thread."""

    def __init__(self, size: int) -> None:
        self.slots = threading.Semaphore(size)
        self.closed = threading.Event()

    def feed(self, tasks: Iterable[FileTask]) -> Iterator[FileTask]:
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
