"""Load the real server (gunicorn, ``webapp:create_app()``) with wrk on loopback, bounded in time."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.queries import BenchQuery

_LUA = """
local paths = {PATHS}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %f %f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}")


def sequential(base: str, queries: list[BenchQuery]) -> dict[str, float]:
    """One client, one request at a time (keep-alive off, as a browser's first request): p50/p95 in ms."""

    def get(q: BenchQuery) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/search?{urlencode({'q': q.whoosh()})}", timeout=30) as response:
            response.read()
        return (time.perf_counter() - started) * 1000

    for q in queries:  # warm whichever worker answers
        get(q)
    cuts = statistics.quantiles([get(q) for q in queries], n=100, method="inclusive")
    return {"seq_p50_ms": cuts[49], "seq_p95_ms": cuts[94]}


def _cpu_seconds(processes: list[Any]) -> float:
    """User and system CPU seconds of these processes so far."""
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


@contextmanager
def server(root: Path, workers: int = 2) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The real server (gunicorn with ``newsfind serve``'s worker settings) on a free loopback port, ready: its
    process and its base URL."""
    port = _free_port()
    env = {**os.environ, "NEWSSEARCH_INDEX_DIR": str(root)}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--config",
            "python:webapp.gunicorn_conf",  # the worker class and keep-alive of ``newsfind serve``
            "webapp:create_app()",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/api/health")
        yield process, base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def wrk_script(queries: list[BenchQuery]) -> Iterator[str]:
    """A wrk script that asks ``/api/search`` for each query in turn, and reports in one line."""
    paths = ",".join(f'"/api/search?{urlencode({"q": q.whoosh()})}"' for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA.replace("PATHS", paths))
    try:
        yield script.name
    finally:
        os.unlink(script.name)


def wrk(base: str, script: str, seconds: int, connections: int) -> dict[str, float]:
    """One wrk run (bounded in time, loopback only): requests, duration, errors, p50 and p99."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, base],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", out.stdout)
    if match is None:
        raise RuntimeError(f"unexpected wrk output: {out.stdout}")
    requests, duration_us, errors = int(match[1]), int(match[2]), int(match[3])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": float(match[4]) / 1000,
        "p99_ms": float(match[5]) / 1000,
        "errors": errors,
        "requests": requests,
    }


def load_test(
    root: Path, queries: list[BenchQuery], workers: int = 2, seconds: int = 15, connections: int = 4
) -> dict[str, Any]:
    """Requests/s, p50/p99 latency and errors for ``/api/search`` over the query set, worker RSS and CPU."""
    import psutil  # a bench-only dependency (the "bench" extra)

    with server(root, workers) as (process, base), wrk_script(queries) as script:
        one_client = sequential(base, queries)
        wrk(base, script, 3, connections)  # warm every worker's searcher and caches first, then measure
        workers_now = psutil.Process(process.pid).children()
        cpu_before = _cpu_seconds(workers_now)
        figures = wrk(base, script, seconds, connections)
        worker_cpu_ms = (_cpu_seconds(workers_now) - cpu_before) * 1000 / max(figures["requests"], 1)
        rss = [c.memory_info().rss / 1e6 for c in workers_now]
    return {
        **figures,
        "workers": workers,
        "connections": connections,
        "worker_rss_mb": max(rss) if rss else None,
        "worker_cpu_ms": worker_cpu_ms,  # the workers' CPU time per request during the measured run
        **one_client,
    }
