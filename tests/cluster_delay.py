"""Loaded into test Dask workers with ``dask worker --preload``: makes each build task slow enough to be caught in
flight, and leaves a marker (the worker's pid) when one starts. Test-only: no product code path reads these."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

DELAY = "NEWSFIND_TEST_TASK_DELAY"  # seconds before each task
MARKERS = "NEWSFIND_TEST_TASK_MARKERS"  # a folder: one file per task started, named after the worker's pid


def dask_setup(worker: Any) -> None:
    """Wrap the full build's task function in this worker process (tasks name it by reference)."""
    from indexer.index import parts

    delay = float(os.environ.get(DELAY, "0"))
    markers = os.environ.get(MARKERS)
    work = parts.index_task

    def slow_task(writer: Any, task: Any) -> Any:
        if markers:
            Path(markers, f"{os.getpid()}-{time.monotonic_ns()}").touch()
        time.sleep(delay)
        return work(writer, task)

    parts.index_task = slow_task
