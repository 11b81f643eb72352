"""A sub-writer's memory over a build: one ``BatchSegmentWriter`` fed a corpus, ``/proc/self/status`` sampled.

``python -m bench.writer_memory CORPUS INDEX --limit-mb 32 --marks 40000,200000`` prints, at each mark (articles
added) and after the segment is written, the resident memory (anonymous and mapped) and its peaks since the last
line. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.clean.jsonl import DEFAULT_OPTIONS
from indexer.clean.sources import walk_corpus
from indexer.index.parts import index_task, plan
from indexer.index.schema import get_schema
from indexer.index.segments import BatchSegmentWriter
from indexer.index.writers import segment_writer

FIELDS = ("VmRSS", "RssAnon", "RssFile")


def status() -> dict[str, int]:
    """This process's resident memory in MB: all, anonymous, mapped files."""
    found = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in FIELDS:
                found[key] = int(value.split()[0]) // 1024
    return found


class Sampler:
    """The peaks of ``status()``, sampled every ``seconds`` in a thread."""

    def __init__(self, seconds: float = 0.2) -> None:
        self.peaks = dict.fromkeys(FIELDS, 0)
        self.seconds = seconds
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            for key, value in status().items():
                self.peaks[key] = max(self.peaks[key], value)
            time.sleep(self.seconds)

    def take(self) -> dict[str, int]:
        """The peaks since the last call."""
        peaks, self.peaks = self.peaks, dict.fromkeys(FIELDS, 0)
        return peaks


def measure(corpus: Path, index: Path, limit_mb: int, marks: list[int]) -> None:
    """Add the corpus's articles to one segment writer, then write the segment; print memory at each mark."""
    index.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index), get_schema(DEFAULT_OPTIONS.facets, DEFAULT_OPTIONS.key()))
    writer = segment_writer(ix, limit_mb, cls=BatchSegmentWriter)
    sampler, started, pending = Sampler(), time.perf_counter(), sorted(marks)
    for task in plan(corpus, walk_corpus(corpus), DEFAULT_OPTIONS):
        index_task(writer, task)
        while pending and writer.docnum >= pending[0]:
            pending.pop(0)
            _report("added", writer.docnum, started, sampler)
    count = writer.docnum
    sampler.take()
    writer.commit()
    _report("written", count, started, sampler)
    ix.close()


def _report(what: str, count: int, started: float, sampler: Sampler) -> None:
    line = {"at": what, "articles": count, "seconds": round(time.perf_counter() - started), "now": status()}
    print(json.dumps({**line, "peak": sampler.take()}), flush=True)


def main() -> None:
    """Command line: corpus folder, index folder, the writer's memory limit, marks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("--limit-mb", type=int, default=32)
    parser.add_argument("--marks", default="10000,20000,40000")
    args = parser.parse_args()
    measure(args.corpus, args.index, args.limit_mb, [int(m) for m in args.marks.split(",")])


if __name__ == "__main__":
    main()
