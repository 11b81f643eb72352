"""A full build on a Dask distributed cluster: each cluster task writes its own segment, the coordinator commits.

The full build's tasks (``parts.plan``: batches of files, ranges of big exports and archives) are grouped into a
few chunks per worker. A worker cleans and indexes a chunk into one new segment of the generation being built, on
storage every worker shares (the corpus too is read at the same path everywhere), and sends back the segment's
description with each article's id, hash and document number. A chunk whose worker is lost is run again by Dask on
another worker; its new attempt writes a segment of another name. Only this process writes the table of contents:
it lists the one segment of each chunk it accepted, so the files of a lost or duplicate attempt are never part of
the index, and Whoosh removes them at that commit. The counts are then checked as in a local build.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from indexer.index.segments import BatchSegmentWriter
from indexer.index.writers import BuildError, FastPool, OnResult, Work, Writers, peak_rss_mb, segment_writer

log = logging.getLogger(__name__)

# Chunks per worker: more balance the load and make a lost worker cheaper to redo; fewer make fewer segments
# (each is searched on its own).
CHUNKS_PER_WORKER = 2
# How often a task that failed with an error (not a lost worker, which Dask retries on its own) is tried again.
RETRIES = 2
CONNECT_SECONDS = 30
# A build whose cluster has had no worker for this long fails (Dask itself would wait for workers for ever).
NO_WORKERS_SECONDS = 120
POLL_SECONDS = 0.2


class ClusterWriter(Writers):
    """Tasks run on the Dask cluster at ``address``, a segment per chunk of tasks, committed in this process.

    The interface is the local writers': ``submit`` each task, then ``commit(expected)`` or ``cancel()``;
    ``on_result(chunk, seq, result)`` gets each task's result (``seq`` in submission order) once, from the
    attempt that was accepted."""

    def __init__(self, ix: Index, address: str, limitmb: int, work: Work, on_result: OnResult) -> None:
        super().__init__(on_result)
        from distributed import Client  # imported here: a local build never loads Dask

        self.address = address
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
            self.client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: not an address
            raise BuildError(f"no Dask cluster with workers at {address}: {exc}") from exc
        # The parent writer holds the index lock and writes the table of contents; it adds no documents.
        self.parent = segment_writer(ix, limitmb=1)
        self.folder, self.indexname, self.limitmb, self.work = ix.storage.folder, ix.indexname, limitmb, work
        self.tasks: list[Any] = []
        self.futures: dict[Any, tuple[int, int]] = {}  # future -> (chunk, seq of its first task)
        self.segments: dict[int, tuple[int, Segment | None]] = {}

    @property
    def workers(self) -> int:
        """The cluster's workers now."""
        return len(self.client.scheduler_info()["workers"])

    def submit(self, task: Any) -> None:
        """Keep one task; they are cut into chunks once all are known, at the commit."""
        self.tasks.append(task)
        self.seq += 1

    def commit(self, expected: Callable[[], int]) -> list[Segment]:
        """Run every chunk on the cluster and publish their segments in one new generation."""
        try:
            self._submit_chunks()
            self._collect()
            self.parent._close_segment()
            return self._publish(self.parent, self.segments, expected)
        except BaseException:
            self.cancel()
            raise
        finally:
            self.client.close()

    def _collect(self) -> None:
        """Accept each chunk as it finishes; fail when the cluster has had no worker for ``NO_WORKERS_SECONDS``."""
        from distributed import as_completed

        finished = as_completed(list(self.futures), loop=self.client.loop)
        idle_since: float | None = None
        while not finished.is_empty():
            ready = finished.next_batch(block=False)
            for future in ready:
                self._accept(future)
            if ready or self.workers:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > NO_WORKERS_SECONDS:
                raise BuildError(f"the cluster at {self.address} has had no worker for {NO_WORKERS_SECONDS} s")
            if not ready:
                time.sleep(POLL_SECONDS)

    def _submit_chunks(self) -> None:
        size = -(-len(self.tasks) // max(1, self.workers * CHUNKS_PER_WORKER)) if self.tasks else 1
        build = uuid.uuid4().hex[:8]
        for chunk, first in enumerate(range(0, len(self.tasks), size)):
            future = self.client.submit(
                run_chunk,
                self.folder,
                self.indexname,
                self.limitmb,
                self.work,
                self.tasks[first : first + size],
                key=f"newsfind-chunk-{build}-{chunk}",
                retries=RETRIES,
                pure=False,
            )
            self.futures[future] = (chunk, first)
        self.tasks = []

    def _accept(self, future: Any) -> None:
        """Take a chunk's one finished attempt: its tasks' results, in order, and its segment."""
        chunk, first = self.futures.pop(future)
        try:
            results, count, segment, rss_mb = future.result()
        except OSError:
            raise
        except Exception as exc:  # a task's own error, after its retries, or KilledWorker
            raise BuildError(f"chunk {chunk} failed on the cluster: {type(exc).__name__}: {exc}") from exc
        future.release()
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
        for i, result in enumerate(results):
            self.on_result(chunk, first + i, result)
        self.segments[chunk] = (count, segment)

    def cancel(self) -> None:
        """Stop the chunks still queued and release the lock; the index is left as it was."""
        if self.futures:
            try:
                self.client.cancel(list(self.futures))
            except Exception:  # noqa: BLE001 - the scheduler may be gone already
                log.warning("could not cancel the cluster's tasks", exc_info=True)
            self.futures = {}
        if self.client.status != "closed":
            self.client.close()
        if not self.parent.is_closed:
            self.parent.cancel()


def run_chunk(
    folder: str, indexname: str, limitmb: int, work: Work, tasks: list[Any]
) -> tuple[list[Any], int, Segment | None, float]:
    """On a worker: index ``tasks`` into one new segment of the index at ``folder``; ``(results, documents,
    segment, peak RSS MB)``. The segment is written but not committed: only the coordinator adds it to the index."""
    ix = whoosh_index.open_dir(folder, indexname=indexname)
    writer = segment_writer(ix, limitmb=limitmb, lock=False, cls=BatchSegmentWriter)
    # Posting runs go to the worker's own disk, not the shared one; removed even when the chunk fails.
    # On an error the writer is not cancelled (that would remove the temporary folder the other writers of the
    # generation share): its files are not in the table of contents, and the commit or the failed build removes them.
    scratch = tempfile.mkdtemp(prefix="newsfind-chunk-")
    try:
        writer.pool = FastPool(FileStorage(scratch), writer.newsegment, limitmb=limitmb)
        results = [work(writer, task) for task in tasks]
        count = writer.doc_count()
        segment = writer._finalize_segment() if count else None
        if segment is None:
            writer._close_segment()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results, count, segment, peak_rss_mb()
