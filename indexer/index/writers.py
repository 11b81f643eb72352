"""Whoosh writers for big builds: sub-writer processes, one segment each, and a posting pool with cheap runs."""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import queue
import resource
import traceback
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.index import Index
from whoosh.writing import PostingPool, SegmentWriter

from indexer.index.codec import codec

log = logging.getLogger(__name__)

# Documents travel to a sub-writer in batches: one pickle per batch, not per document.
BATCH = 32
# Posting runs are pickled in chunks: Whoosh pickles (and unpickles) every posting on its own, which was a
# quarter of the writer's time in a py-spy profile.
RUN_CHUNK = 8192
# How often an idle sub-writer checks that the process feeding it is still alive.
POLL_SECONDS = 2.0


class BuildError(Exception):
    """A sub-writer failed or lost documents; nothing was committed."""


class FastPool(PostingPool):
    """Whoosh's posting pool with chunked run files and a cheaper per-posting size estimate."""

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting ``(fieldname, tbytes, docnum, weight, vbytes)``."""
        # Whoosh's estimate without the field name's length; ``fieldnames`` is only read by MpWriter.
        self.currentsize += 150 + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f: Any, items: Iterable[Any]) -> None:
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def segment_writer(ix: Index, limitmb: int, lock: bool = True) -> SegmentWriter:
    """A plain Whoosh writer that uses ``FastPool`` and writes our codec."""
    # Segments stay separate files, read on demand: a compound file is copied into each reader's memory.
    writer = SegmentWriter(ix, limitmb=limitmb, _lk=lock, compound=False, codec=codec())
    writer.pool = FastPool(writer.temp_storage(), writer.newsegment, limitmb=limitmb)
    return writer


class ParallelWriter:
    """Documents spread over ``procs`` sub-writer processes, each writing its own segment of a fresh index.

    Unlike Whoosh's ``MpWriter`` (forked sub-writers whose results are read with a one-second timeout, so a slow
    or crashed one silently loses its documents), a failed or missing sub-writer raises ``BuildError``, and the
    commit checks that the segments hold exactly the documents that were added.
    """

    def __init__(self, ix: Index, procs: int, limitmb: int, ctx: Any = None) -> None:
        self.ix = ix
        # The parent writer holds the index lock and writes the table of contents; it adds no documents.
        self.parent = segment_writer(ix, limitmb=1)
        ctx = ctx or multiprocessing.get_context("forkserver")
        self.jobs: Any = ctx.Queue(maxsize=2 * procs)
        self.results: Any = ctx.Queue()
        self.procs = [
            ctx.Process(target=_sub_writer, args=(ix.storage.folder, ix.indexname, self.jobs, self.results, limitmb),
                        daemon=True, name=f"newsfind-writer-{n}")
            for n in range(procs)
        ]
        for proc in self.procs:
            proc.start()
        self.batch: list[dict[str, Any]] = []
        self.added = 0
        self.peak_rss_mb = 0.0  # the largest sub-writer's, known after the commit

    def add_document(self, **fields: Any) -> None:
        """Queue one document for whichever sub-writer is free."""
        self.batch.append(fields)
        self.added += 1
        if len(self.batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        self._put(self.batch)
        self.batch = []

    def _put(self, job: list[dict[str, Any]] | None) -> None:
        while True:
            try:
                return self.jobs.put(job, timeout=POLL_SECONDS)
            except queue.Full:
                self._check_alive()

    def _check_alive(self) -> None:
        """Before the commit a sub-writer only exits on an error: raise it (a full disk stays an OSError)."""
        exited = [p for p in self.procs if p.exitcode is not None]
        if not exited:
            return
        try:
            error = self.results.get(timeout=POLL_SECONDS)[2]
        except queue.Empty:
            error = None
        raise error or BuildError(f"sub-writer {exited[0].name} exited with code {exited[0].exitcode}")

    def commit(self) -> list[Segment]:
        """Finish every sub-writer and publish their segments in one new generation."""
        try:
            return self._commit()
        except BaseException:
            self.cancel()
            raise

    def _commit(self) -> list[Segment]:
        if self.batch:
            self._send()
        for _ in self.procs:
            self._put(None)
        segments, counts = [], 0
        for _ in self.procs:
            count, segment, error, rss_mb = self._result()
            self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
            if error is not None:
                raise error
            counts += count
            if segment is not None:
                if segment.doc_count() != count:
                    raise BuildError(f"a segment holds {segment.doc_count()} documents, expected {count}")
                segments.append(segment)
        if counts != self.added:
            raise BuildError(f"sub-writers indexed {counts} of {self.added} documents")
        for proc in self.procs:
            proc.join()
        parent = self.parent
        parent._close_segment()
        parent._commit_toc(segments)
        parent._finish()
        return segments

    def _result(self) -> tuple[int, Segment | None, Exception | None, float]:
        while True:
            try:
                return self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                dead = [p for p in self.procs if p.exitcode not in (None, 0)]
                if dead:
                    raise BuildError(f"sub-writer {dead[0].name} died with code {dead[0].exitcode}") from None
                if all(p.exitcode is not None for p in self.procs) and self.results.empty():
                    raise BuildError("sub-writers exited without reporting") from None

    def cancel(self) -> None:
        """Stop the sub-writers and release the lock; the index is left as it was."""
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join()
        self.jobs.close()
        self.results.close()
        self.parent.cancel()


def _sub_writer(folder: str, indexname: str, jobs: Any, results: Any, limitmb: int) -> None:
    """A sub-writer process: index batches until ``None``, then report ``(count, segment, error, rss_mb)``."""
    try:
        ix = whoosh_index.open_dir(folder, indexname=indexname)
        writer = segment_writer(ix, limitmb=limitmb, lock=False)
        count = 0
        while (batch := _next_batch(jobs)) is not None:
            for fields in batch:
                writer.add_document(**fields)
            count += len(batch)
        if count:
            segment: Segment | None = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        results.put((count, segment, None, _peak_rss_mb()))
    except Exception as exc:  # raised again in the parent: an OSError (a full disk) as itself
        error = exc if isinstance(exc, OSError) else BuildError(f"a sub-writer failed:\n{traceback.format_exc()}")
        results.put((0, None, error, _peak_rss_mb()))


def _next_batch(jobs: Any) -> list[dict[str, Any]] | None:
    """The next batch; raises SystemExit when the parent died (its queue would never send ``None``)."""
    while True:
        try:
            return jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            parent = multiprocessing.parent_process()
            if parent is not None and not parent.is_alive():
                raise SystemExit(1) from None


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
