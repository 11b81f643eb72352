"""Whoosh writers for big builds: sub-writer processes, one segment each, and a posting pool with cheap runs."""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import queue
import resource
import shutil
import traceback
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.index import Index
from whoosh.writing import PostingPool, SegmentWriter

from indexer.index.codec import codec
from indexer.index.segments import BatchSegmentWriter, LanguageSegmentWriter

log = logging.getLogger(__name__)

# Posting runs are pickled in chunks: Whoosh pickles (and unpickles) every posting on its own, which was a
# quarter of the writer's time in a py-spy profile.
RUN_CHUNK = 8192
# How often an idle sub-writer checks that the process feeding it is still alive.
POLL_SECONDS = 2.0


class BuildError(Exception):
    """A sub-writer failed or lost documents; nothing was committed."""


class FastPool(PostingPool):
    """Whoosh's posting pool with chunked run files and a cheaper per-posting size estimate, in a temporary folder
    of its own (the direct writer's spilled runs go there too)."""

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

    def cleanup(self) -> None:
        """Remove the pool's folder: the segment's postings are written (or cancelled)."""
        super().cleanup()
        self.tempstore.destroy()


def segment_writer(ix: Index, limitmb: int, lock: bool = True, cls: type[SegmentWriter] | None = None) -> Any:
    """A Whoosh writer (``cls``, a LanguageSegmentWriter by default) that uses ``FastPool`` and writes our codec: every
    writer is made here."""
    # Segments stay separate files, read on demand: a compound file is copied into each reader's memory.
    writer = (cls or LanguageSegmentWriter)(ix, limitmb=limitmb, _lk=lock, compound=False, codec=codec())
    # Whoosh names a writer's temporary folder after the index, so parallel sub-writers would share one: their
    # spilled runs collided. Each pool has its own, named after its segment.
    folder = ix.storage.temp_storage(f"{writer.newsegment.segment_id()}.tmp")
    writer.pool = FastPool(folder, writer.newsegment, limitmb=limitmb)
    return writer


Work = Callable[[Any, Any], Any]
OnResult = Callable[[int, int, Any], None]


class Writers:
    """What the in-process and the parallel writer share: deletions and one checked commit of new segments."""

    def __init__(self, on_result: OnResult) -> None:
        self.on_result = on_result
        self.seq = 0
        self.deletions: dict[int, list[int]] = {}
        self.peak_rss_mb = 0.0  # the largest sub-writer's, known after the commit

    def delete(self, worker: int, docnum: int) -> None:
        """Drop a document a worker already wrote (a later copy of an id), at the commit."""
        self.deletions.setdefault(worker, []).append(docnum)

    def _publish(
        self, parent: SegmentWriter, segments: dict[int, tuple[int, Segment | None]], expected: Callable[[], int]
    ) -> list[Segment]:
        kept, total = [], 0
        for worker, (count, segment) in sorted(segments.items()):
            if segment is None:
                if count:
                    raise BuildError(f"sub-writer {worker} indexed {count} documents and wrote no segment")
                continue
            if segment.doc_count_all() != count:
                raise BuildError(f"a segment holds {segment.doc_count_all()} documents, expected {count}")
            for docnum in self.deletions.get(worker, ()):
                segment.delete_document(docnum)
            total += segment.doc_count()
            kept.append(segment)
        if total != expected():
            raise BuildError(f"the segments hold {total} documents, {expected()} were added")
        parent._commit_toc(kept)
        parent._finish()
        # The posting pools' folders of writers that never finished (a crashed sub-writer, a lost cluster attempt).
        for folder in Path(parent.storage.folder).glob(f"{parent.indexname}_*.tmp"):
            shutil.rmtree(folder, ignore_errors=True)
        return kept


class LocalWriter(Writers):
    """Tasks run in this process into one ``BatchSegmentWriter``: for builds too small to start processes."""

    def __init__(self, ix: Index, limitmb: int, work: Work, on_result: OnResult) -> None:
        super().__init__(on_result)
        self.writer = segment_writer(ix, limitmb, cls=BatchSegmentWriter)
        self.work = work

    def submit(self, task: Any) -> None:
        """Run one task now."""
        self.on_result(0, self.seq, self.work(self.writer, task))
        self.seq += 1

    def commit(self, expected: Callable[[], int]) -> list[Segment]:
        """Write the segment and publish it, if it holds exactly ``expected()`` live documents."""
        try:
            count = self.writer.doc_count()
            segment = self.writer._finalize_segment() if count else None
            if segment is None:
                self.writer._close_segment()
            return self._publish(self.writer, {0: (count, segment)}, expected)
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        """Drop everything written; the index is left as it was."""
        if not self.writer.is_closed:
            self.writer.cancel()


class ParallelWriter(Writers):
    """Tasks spread over ``procs`` sub-writer processes, each writing its own segment of a fresh index.

    ``work(writer, task)`` runs in a sub-writer on its ``BatchSegmentWriter``; its result comes back to
    ``on_result(worker, seq, result)`` in this process (in completion order; ``seq`` is the submission order).
    Unlike Whoosh's ``MpWriter`` (forked sub-writers whose results are read with a one-second timeout, so a slow
    or crashed one silently loses its documents), a failed or missing sub-writer raises ``BuildError``, and the
    commit checks that the segments hold exactly the documents that were added.
    """

    def __init__(self, ix: Index, procs: int, limitmb: int, work: Work, on_result: OnResult, ctx: Any = None) -> None:
        super().__init__(on_result)
        # The parent writer holds the index lock and writes the table of contents; it adds no documents.
        self.parent = segment_writer(ix, limitmb=1)
        ctx = ctx or multiprocessing.get_context("forkserver")
        self.jobs: Any = ctx.Queue(maxsize=2 * procs)
        self.results: Any = ctx.Queue()
        self.procs = [
            ctx.Process(
                target=_sub_writer,
                args=(n, ix.storage.folder, ix.indexname, self.jobs, self.results, limitmb, work),
                daemon=True,
                name=f"newsfind-writer-{n}",
            )
            for n in range(procs)
        ]
        for proc in self.procs:
            proc.start()
        self.segments: dict[int, tuple[int, Segment | None]] = {}

    def submit(self, task: Any) -> None:
        """Queue one task for whichever sub-writer is free (handling results while the queue is full)."""
        self._put((self.seq, task))
        self.seq += 1

    def _put(self, job: Any) -> None:
        while True:
            try:
                return self.jobs.put(job, timeout=0.05)
            except queue.Full:
                if not self._receive(POLL_SECONDS):
                    self._check_alive()

    def _receive(self, timeout: float) -> bool:
        """Handle one message from a sub-writer; False when none came within ``timeout``."""
        try:
            message = self.results.get(timeout=timeout)
        except queue.Empty:
            return False
        if message[0] == "task":
            _, worker, seq, result = message
            self.on_result(worker, seq, result)
            return True
        _, worker, count, segment, error, rss_mb = message
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
        if error is not None:
            raise error
        self.segments[worker] = (count, segment)
        return True

    def _check_alive(self) -> None:
        """Before the commit a sub-writer only exits on an error (reported first): anything else is a crash."""
        dead = [p for p in self.procs if p.exitcode is not None and int(p.name.rsplit("-", 1)[1]) not in self.segments]
        if dead:
            while self._receive(POLL_SECONDS):  # its error, if it managed to send one
                pass
            raise BuildError(f"sub-writer {dead[0].name} exited with code {dead[0].exitcode}")

    def commit(self, expected: Callable[[], int]) -> list[Segment]:
        """Finish every sub-writer and publish their segments in one new generation."""
        try:
            for _ in self.procs:
                self._put(None)
            while len(self.segments) < len(self.procs):
                if not self._receive(POLL_SECONDS):
                    self._check_alive()
            for proc in self.procs:
                proc.join()
            self.parent._close_segment()
            return self._publish(self.parent, self.segments, expected)
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        """Stop the sub-writers and release the lock; the index is left as it was."""
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join()
        self.jobs.close()
        self.results.close()
        if not self.parent.is_closed:
            self.parent.cancel()


def _sub_writer(worker: int, folder: str, indexname: str, jobs: Any, results: Any, limitmb: int, work: Work) -> None:
    """A sub-writer process: run tasks until ``None``, then report ``("done", worker, count, segment, error, rss)``."""
    try:
        ix = whoosh_index.open_dir(folder, indexname=indexname)
        writer = segment_writer(ix, limitmb=limitmb, lock=False, cls=BatchSegmentWriter)
        while (job := _next_batch(jobs)) is not None:
            seq, task = job
            results.put(("task", worker, seq, work(writer, task)))
        count = writer.doc_count()
        if count:
            segment: Segment | None = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        results.put(("done", worker, count, segment, None, peak_rss_mb()))
    except Exception as exc:  # raised again in the parent: an OSError (a full disk) as itself
        error = exc if isinstance(exc, OSError) else BuildError(f"a sub-writer failed:\n{traceback.format_exc()}")
        results.put(("done", worker, 0, None, error, peak_rss_mb()))


def _next_batch(jobs: Any) -> Any:
    """The next job; raises SystemExit when the parent died (its queue would never send ``None``), checked before
    every job too, so the tasks still queued when it died are not worked through for nothing."""
    while True:
        parent = multiprocessing.parent_process()
        if parent is not None and not parent.is_alive():
            raise SystemExit(1)
        try:
            return jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
