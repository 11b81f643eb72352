"""Run our real build (``indexer.index.build.reindex``) in its own process and report its time and peak memory."""

from __future__ import annotations

import json
import resource
import sys
import threading
from pathlib import Path

import psutil

from indexer.index.build import reindex

SAMPLE_SECONDS = 0.2


class CpuMeter:
    """CPU seconds of this process and every process under it (fork server, cleaning workers, sub-writers).

    Those processes are not this one's children, so ``getrusage(RUSAGE_CHILDREN)`` misses them; they are
    sampled instead, and a process's last sample counts (up to ``SAMPLE_SECONDS`` of its work can be missed).
    CPU time, unlike wall time, barely moves when other jobs share the cores.
    """

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        me = psutil.Process()
        while not self.stop.is_set():
            for proc in [me, *me.children(recursive=True)]:
                try:
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                self.seen[proc.pid] = times.user + times.system
            self.stop.wait(SAMPLE_SECONDS)

    def seconds(self) -> float:
        """Stop sampling and return the total."""
        self.stop.set()
        self.thread.join()
        return sum(self.seen.values())


def main(argv: list[str]) -> None:
    """``python -m bench.ours CORPUS INDEX [--full]``: one reindex, a JSON line on stdout."""
    corpus, root = Path(argv[0]), Path(argv[1])
    meter = CpuMeter()
    summary = reindex(corpus, root, full="--full" in argv)
    cpu_seconds = meter.seconds()
    print(
        json.dumps(
            {
                "seconds": summary.seconds,
                "cpu_seconds": cpu_seconds,
                "documents": summary.documents,
                "changed": summary.changed,
                "skipped": len(summary.skipped),
                "full": summary.full,
                # ru_maxrss is in KiB on Linux: the peak of this process (reading, ordering, feeding the writers) and of
                # the largest sub-writer process (a full build on several cores); cleaning workers are not counted.
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "writer_rss_mb": summary.writer_rss_mb,
                "processes": summary.processes,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
